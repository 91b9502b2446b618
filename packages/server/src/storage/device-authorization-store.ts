/**
 * A device authorization request (RFC 8628 3.1) as stored: only the SHA-256 of the device
 * code and of the normalised user code are kept, never the codes themselves.
 */
export interface DeviceAuthorization {
  id: string;
  /** SHA-256 of the `device_code` the device polls with (unique). */
  deviceCodeHash: string;
  /** SHA-256 of the normalised `user_code` the person types (unique). */
  userCodeHash: string;
  appId: string;
  /** The app's client_id, as the pages look the app up. */
  clientId: string;
  /** Every requested scope, OIDC ones included. */
  scopes: string[];
  /** The polling interval in seconds; raised by 5 on every `slow_down` (RFC 8628 3.5). */
  intervalSeconds: number;
  /** `pending` until the person approves or denies on the verification page. */
  status: 'pending' | 'approved' | 'denied';
  /** The browser session that entered the user code: only it may go on with the verification. */
  sessionHash: string | null;
  /** The company chosen on the verification page. */
  companyId: string | null;
  /** Once approved: the SHA-256 of the authorization code the device's poll redeems. */
  codeHash: string | null;
  lastPolledAt: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

export type NewDeviceAuthorization = Pick<
  DeviceAuthorization,
  'id' | 'deviceCodeHash' | 'userCodeHash' | 'appId' | 'clientId' | 'scopes' | 'intervalSeconds' | 'expiresAt'
>;

/** What a poll found, and whether it came sooner than the interval allows (then raised). */
export interface DevicePoll {
  authorization: DeviceAuthorization;
  slowDown: boolean;
}

/** Device authorizations: created by the device endpoint, approved on the verification page. */
export interface DeviceAuthorizationStore {
  createDeviceAuthorization(a: NewDeviceAuthorization): Promise<DeviceAuthorization>;
  /** The pending, unexpired authorization a user code names; undefined otherwise. */
  findDeviceAuthorizationByUserCode(
    userCodeHash: string,
    now?: Date,
  ): Promise<DeviceAuthorization | undefined>;
  /** The pending, unexpired authorization `id` when `sessionHash` entered its user code. */
  getDeviceVerification(
    id: string,
    sessionHash: string,
    now?: Date,
  ): Promise<DeviceAuthorization | undefined>;
  /** Binds a pending, unexpired authorization to the session that entered its code; false otherwise. */
  bindDeviceAuthorization(id: string, sessionHash: string, now?: Date): Promise<boolean>;
  /** Records the chosen company; false when not pending, expired or another session's. */
  setDeviceAuthorizationCompany(id: string, sessionHash: string, companyId: string): Promise<boolean>;
  /**
   * Atomic: approves (with the code the poll redeems) or denies a pending, unexpired
   * authorization of this session. Exactly one concurrent caller gets true.
   */
  decideDeviceAuthorization(
    id: string,
    sessionHash: string,
    decision: { status: 'approved'; codeHash: string } | { status: 'denied' },
    now?: Date,
  ): Promise<boolean>;
  /**
   * Atomic: records a poll of the device code. When the previous poll was less than the
   * interval ago, the interval is raised by `stepSeconds` and `slowDown` is true (RFC 8628
   * 3.5). Undefined for an unknown device code.
   */
  recordDevicePoll(deviceCodeHash: string, stepSeconds: number, now?: Date): Promise<DevicePoll | undefined>;
}
