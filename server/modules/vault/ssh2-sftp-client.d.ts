// The parts of ssh2-sftp-client 11 the vault uses (the package ships no types).
declare module 'ssh2-sftp-client' {
  interface ConnectOptions {
    host: string;
    port: number;
    username: string;
    password?: string;
    privateKey?: string;
    readyTimeout?: number;
    retries?: number;
    hostVerifier?: (key: Buffer) => boolean;
  }
  type Callback = (error?: Error) => void;
  class SftpClient {
    constructor(name?: string, callbacks?: { error: Callback; end: Callback; close: Callback });
    connect(options: ConnectOptions): Promise<unknown>;
    end(): Promise<boolean>;
  }
  export default SftpClient;
}
