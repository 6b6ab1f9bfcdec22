// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IMembership} from "../interfaces/IMembership.sol";
import {Account, Country, Role} from "../types/PermitTypes.sol";

/// @title Membership: countries, their authority admins and officers
/// @notice Governance is OpenZeppelin's DEFAULT_ADMIN_ROLE under AccessControlDefaultAdminRules:
/// one holder, transferred only in two steps after a delay, so it is hard to lose by mistake.
abstract contract Membership is AccessControlDefaultAdminRules, IMembership {
    mapping(bytes2 country => Country) private _countries;
    mapping(address account => Account) private _accounts;

    /// @param governanceTransferDelay seconds a governance handover waits (e.g. 3 days)
    /// @param governance the consortium / secretariat account
    constructor(uint48 governanceTransferDelay, address governance)
        AccessControlDefaultAdminRules(governanceTransferDelay, governance)
    {}

    /// @inheritdoc IMembership
    function admitCountry(bytes2 country, address admin) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireCountryCode(country);
        if (_countries[country].admitted) revert CountryAlreadyAdmitted(country);
        _claimAccount(admin, country, Role.AUTHORITY_ADMIN);
        _countries[country] = Country({admin: admin, admitted: true, suspended: false, admittedAt: uint40(block.timestamp)});
        emit CountryAdmitted(country, admin);
    }

    /// @inheritdoc IMembership
    function changeCountryAdmin(bytes2 country, address newAdmin) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Country storage c = _admitted(country);
        address previous = c.admin;
        _claimAccount(newAdmin, country, Role.AUTHORITY_ADMIN);
        _accounts[previous].active = false;
        c.admin = newAdmin;
        emit CountryAdminChanged(country, previous, newAdmin);
    }

    /// @inheritdoc IMembership
    function suspendCountry(bytes2 country) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Country storage c = _admitted(country);
        if (c.suspended) revert CountrySuspendedError(country);
        c.suspended = true;
        emit CountrySuspended(country);
    }

    /// @inheritdoc IMembership
    function restoreCountry(bytes2 country) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Country storage c = _admitted(country);
        if (!c.suspended) revert CountryNotSuspended(country);
        c.suspended = false;
        emit CountryRestored(country);
    }

    /// @inheritdoc IMembership
    function registerOfficer(address officer, Role role) external {
        bytes2 country = _callerCountry(Role.AUTHORITY_ADMIN);
        if (role != Role.ISSUER && role != Role.CUSTOMS) revert InvalidOfficerRole(role);
        _claimAccount(officer, country, role);
        emit OfficerRegistered(country, officer, role);
    }

    /// @inheritdoc IMembership
    function removeOfficer(address officer) external {
        bytes2 country = _callerCountry(Role.AUTHORITY_ADMIN);
        Account storage a = _accounts[officer];
        if (!a.active || a.country != country || a.role == Role.AUTHORITY_ADMIN) {
            revert OfficerNotFound(officer, country);
        }
        a.active = false;
        emit OfficerRemoved(country, officer, a.role);
    }

    /// @inheritdoc IMembership
    function accountOf(address account) external view returns (bytes2 country, Role role, bool active, uint40 since) {
        Account memory a = _accounts[account];
        return (a.country, a.role, a.active, a.since);
    }

    /// @inheritdoc IMembership
    function countryOf(bytes2 country) external view returns (address admin, bool admitted, bool suspended) {
        Country memory c = _countries[country];
        return (c.admin, c.admitted, c.suspended);
    }

    /// @inheritdoc IMembership
    function isActive(address account, Role role, bytes2 country) external view returns (bool) {
        Account memory a = _accounts[account];
        Country memory c = _countries[country];
        return a.active && a.role == role && a.country == country && c.admitted && !c.suspended;
    }

    /// @dev The caller's country if the caller is an active `role` there and the country is not
    /// suspended. Two cold reads: the account slot and the country slot.
    function _callerCountry(Role role) internal view returns (bytes2 country) {
        Account storage a = _accounts[msg.sender];
        country = a.country;
        if (!a.active || a.role != role || _countries[country].suspended) revert Unauthorized(msg.sender, role, country);
    }

    /// @dev Reverts unless the caller is an active officer (ISSUER or CUSTOMS) of `country` and
    /// `country` is not suspended.
    function _requireOfficerOf(bytes2 country) internal view {
        Account storage a = _accounts[msg.sender];
        bool officer = a.role >= Role.ISSUER; // ISSUER or CUSTOMS, the last two roles
        if (!a.active || !officer || a.country != country || _countries[country].suspended) {
            revert NotOfficerOf(msg.sender, country);
        }
    }

    /// @dev Reverts unless the caller is an active `role` of `country` and `country` is not suspended.
    function _requireRole(Role role, bytes2 country) internal view {
        if (_callerCountry(role) != country) revert Unauthorized(msg.sender, role, country);
    }

    /// @dev True for two ASCII capital letters.
    function _isCountryCode(bytes2 code) internal pure returns (bool) {
        uint16 v = uint16(code);
        unchecked {
            // uint8 wrap-around: anything below "A" becomes large, so one comparison per letter.
            return uint8(uint8(v >> 8) - 0x41) < 26 && uint8(uint8(v) - 0x41) < 26;
        }
    }

    function _requireCountryCode(bytes2 code) private pure {
        if (!_isCountryCode(code)) revert InvalidCountryCode(code);
    }

    function _admitted(bytes2 country) private view returns (Country storage c) {
        c = _countries[country];
        if (!c.admitted) revert CountryNotAdmitted(country);
    }

    /// @dev Gives `account` `role` in `country`. An account holds one role in one country; a
    /// removed account may be registered again (its earlier actions stay attributed in events).
    function _claimAccount(address account, bytes2 country, Role role) private {
        if (account == address(0)) revert ZeroAddress();
        Account storage a = _accounts[account];
        if (a.active) revert AccountAlreadyRegistered(account, a.country, a.role);
        _accounts[account] = Account({country: country, role: role, active: true, since: uint40(block.timestamp)});
    }
}
