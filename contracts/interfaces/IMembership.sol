// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Role} from "../types/PermitTypes.sol";

/// @title Membership of the permit network
/// @notice Governance admits a country's authority (ISO 3166-1 alpha-2 code → authority admin
/// account) and may suspend and restore it. Each authority admin registers and removes its own
/// officers, each with one role: ISSUER or CUSTOMS. Every permit write checks role and country.
interface IMembership {
    /// @notice Governance admitted `country` with `admin` as its authority admin.
    event CountryAdmitted(bytes2 indexed country, address indexed admin);
    /// @notice Governance replaced the authority admin of `country`.
    event CountryAdminChanged(bytes2 indexed country, address indexed previousAdmin, address indexed newAdmin);
    /// @notice Governance suspended `country`: none of its accounts can act until restored.
    event CountrySuspended(bytes2 indexed country);
    /// @notice Governance restored a suspended `country`.
    event CountryRestored(bytes2 indexed country);
    /// @notice The authority admin of `country` registered `officer` with `role`.
    event OfficerRegistered(bytes2 indexed country, address indexed officer, Role role);
    /// @notice The authority admin of `country` removed `officer`; takes effect at once.
    event OfficerRemoved(bytes2 indexed country, address indexed officer, Role role);

    /// @notice An address argument was zero.
    error ZeroAddress();
    /// @notice `country` is not two ASCII capital letters.
    error InvalidCountryCode(bytes2 country);
    /// @notice `country` is already a member.
    error CountryAlreadyAdmitted(bytes2 country);
    /// @notice `country` has not been admitted.
    error CountryNotAdmitted(bytes2 country);
    /// @notice `country` is suspended and can do nothing.
    error CountrySuspendedError(bytes2 country);
    /// @notice `country` is not suspended, so it cannot be restored.
    error CountryNotSuspended(bytes2 country);
    /// @notice `account` already holds `role` in `country` (one account, one role, one country).
    error AccountAlreadyRegistered(address account, bytes2 country, Role role);
    /// @notice Only ISSUER and CUSTOMS can be registered as officers.
    error InvalidOfficerRole(Role role);
    /// @notice `account` is not an active officer of `country`'s authority admin.
    error OfficerNotFound(address account, bytes2 country);
    /// @notice `account` is not an active `role` of `country` (or `country` is suspended).
    error Unauthorized(address account, Role role, bytes2 country);
    /// @notice `account` is not an active officer (issuer or customs) of `country` (or `country` is suspended).
    error NotOfficerOf(address account, bytes2 country);

    /// @notice Admits `country` with `admin` as its authority admin. Governance only.
    /// @param country ISO 3166-1 alpha-2 code, ASCII (e.g. 0x4348 for "CH")
    /// @param admin the authority admin account
    function admitCountry(bytes2 country, address admin) external;

    /// @notice Replaces the authority admin of `country` (key rotation). Governance only.
    function changeCountryAdmin(bytes2 country, address newAdmin) external;

    /// @notice Suspends `country`. Governance only.
    function suspendCountry(bytes2 country) external;

    /// @notice Restores a suspended `country`. Governance only.
    function restoreCountry(bytes2 country) external;

    /// @notice Registers `officer` with `role` in the caller's country. Authority admin only.
    function registerOfficer(address officer, Role role) external;

    /// @notice Removes `officer` of the caller's country at once. Authority admin only.
    function removeOfficer(address officer) external;

    /// @notice The country, role and status of `account`.
    /// @return country the account's country (zero if never registered)
    /// @return role the account's role
    /// @return active false once removed (or never registered)
    /// @return since when the account was registered (unix time)
    function accountOf(address account) external view returns (bytes2 country, Role role, bool active, uint40 since);

    /// @notice The status of `country`.
    /// @return admin the authority admin account
    /// @return admitted whether the country is a member
    /// @return suspended whether the country is suspended
    function countryOf(bytes2 country) external view returns (address admin, bool admitted, bool suspended);

    /// @notice True when `account` is an active `role` of an admitted, not suspended `country`.
    function isActive(address account, Role role, bytes2 country) external view returns (bool);
}
