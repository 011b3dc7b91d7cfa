import { spawn } from 'node:child_process';

/**
 * The datagram sender, in Perl. Node cannot send on a UNIX datagram socket (node:dgram is UDP
 * only, node:net is stream only), and the sd_notify protocol needs exactly that. perl-base is
 * "Essential: yes" on Debian and Raspberry Pi OS (it cannot be uninstalled without force) and ships
 * the Socket module, so this adds no dependency there.
 *
 * It reads NUL-terminated messages on stdin and sends each as one datagram. It lives as long as
 * axisguard (it ends on stdin EOF, even when axisguard is SIGKILLed), so systemd can always
 * attribute its messages to the unit: the race of a short-lived sender such as `systemd-notify`
 * (its process is gone before PID 1 reads the message) does not apply. It ignores INT/TERM/HUP so
 * that the STOPPING=1 of a shutdown still goes out when the whole process group is signalled.
 * MSG_DONTWAIT: a congested service manager costs a dropped ping (with a warning), never a blocked
 * sender. A leading '@' names a socket in the abstract namespace, as in sd_notify(3).
 */
const SENDER_SCRIPT = String.raw`
use strict; use warnings; use Socket;
$SIG{$_} = 'IGNORE' for qw(INT TERM HUP);
my $name = $ENV{NOTIFY_SOCKET};
(my $path = $name) =~ s/^@/\0/;
socket(my $sock, PF_UNIX, SOCK_DGRAM, 0) or die "axisguard sd_notify: socket: $!\n";
my $to = pack_sockaddr_un($path);
local $/ = "\0";
while (defined(my $msg = <STDIN>)) {
  chomp $msg;
  send($sock, $msg, MSG_DONTWAIT, $to) or warn "axisguard sd_notify: cannot send to $name: $!\n";
}
`;

/** One line of an sd_notify message: `NAME=value`, value without newline or NUL. */
const ASSIGNMENT = /^[A-Z][A-Z0-9_]*=[^\n\0]*$/;

/** A channel to the service manager's notification socket (systemd's NOTIFY_SOCKET). */
export interface NotifySocket {
  /**
   * Sends the assignments (`READY=1`, `STATUS=...`) as one datagram, in order. Delivery is
   * best-effort, like sd_notify(3): problems are reported through `onProblem`, never thrown.
   * Throws a RangeError for an assignment that is not one line of `NAME=value` (a programming error).
   */
  send(assignments: readonly string[]): void;
  /** Ends the sender after it has sent everything already given; resolves when it has exited. */
  close(): Promise<void>;
}

/**
 * Starts the sender for the socket `socketName` (the value of NOTIFY_SOCKET). `onProblem` hears,
 * once each, that the sender could not be started, that it died, or that its pipe broke; after that
 * `send` is a no-op (a missing READY or watchdog ping is then systemd's to act on).
 */
export function openNotifySocket(socketName: string, onProblem: (message: string) => void): NotifySocket {
  const child = spawn('perl', ['-e', SENDER_SCRIPT], {
    stdio: ['pipe', 'ignore', 'inherit'],
    env: { NOTIFY_SOCKET: socketName, PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  let alive = true;
  let closing = false;
  const fail = (message: string) => {
    if (!alive) return;
    alive = false;
    onProblem(message);
  };
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      fail(`cannot start perl, the sd_notify sender: ${error.message}`);
      resolve();
    });
    child.once('exit', (code, signal) => {
      if (!closing) fail(`the sd_notify sender (perl) exited (${signal ?? `code ${code}`})`);
      alive = false;
      resolve();
    });
  });
  child.stdin.on('error', (error) => fail(`the sd_notify sender's pipe broke: ${error.message}`));

  return {
    send(assignments) {
      const bad = assignments.find((a) => !ASSIGNMENT.test(a));
      if (bad !== undefined || assignments.length === 0) throw new RangeError(`not an sd_notify message: ${JSON.stringify(assignments)}`);
      if (alive && !closing) child.stdin.write(`${assignments.join('\n')}\0`);
    },
    async close() {
      closing = true;
      child.stdin.end();
      await exited;
    },
  };
}
