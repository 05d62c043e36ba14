"""Debian's Perl cowsay 3.03 as an oracle the tests can ask thousands of times a second.

Debian's cowsay is a Perl script; starting it costs about 20 ms, mostly loading Perl's
modules. `PerlCowsay` keeps one Perl running, with those modules loaded, that forks a child per
request; the child runs the real script (``do FILE``) with the request's @ARGV, $0 (cowsay or
cowthink) and stdin, as a fresh process would, and sends back what it printed, warned and died
with (`exit` becomes a `die`, so that -l answers too). Each run starts from the state the
script starts from (no global is left over, `$.` is unset: calvin.cow prints it), and the
script's own code draws every picture; `test_the_driver_is_the_script` compares the driver with
the script run as a process on random cases.
"""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from support import system_tools

COWSAY = Path(system_tools.COWSAY)
COWTHINK = Path(system_tools.COWTHINK)
DEBIAN_COWS = Path(system_tools.DEBIAN_COWS)
# cowsay decodes its arguments and writes UTF-8 only under a UTF-8 locale.
ORACLE_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}

DRIVER = r"""
use strict; use warnings;
use Encode (); use JSON::PP (); use MIME::Base64 (); use POSIX ();
# What the script loads, loaded once here: each child only compiles the script itself.
use Cwd (); use File::Basename (); use Getopt::Std (); use Text::CharWidth (); use Text::Tabs ();
use Text::Wrap ();
BEGIN { *CORE::GLOBAL::exit = sub { die "EXIT " . ($_[0] // 0) . "\n" } }
my $json = JSON::PP->new->canonical;
open(my $answers, ">&", \*STDOUT) or die; binmode $answers; $answers->autoflush(1);
binmode STDIN;
my $pending = "";
while (1) {
    my $end;
    while (($end = index($pending, "\n")) < 0) {  # sysread: the driver reads no line (`$.`)
        sysread(STDIN, $pending, 1 << 16, length $pending) or CORE::exit(0);
    }
    my $request = $json->decode(substr($pending, 0, $end + 1, ""));
    my $child = fork() // die "fork: $!";
    if ($child) { waitpid($child, 0); next }
    # The child: one run of the script, in a process of its own as `cowsay` would be.
    my $in = MIME::Base64::decode_base64($request->{stdin});
    my ($out, $err) = ("", "");
    @ARGV = map { Encode::encode_utf8($_) } @{$request->{argv}};
    $0 = $request->{program};
    $SIG{__WARN__} = sub { $err .= $_[0] };
    close STDIN; open(STDIN, "<", \$in) or die;
    close STDOUT; open(STDOUT, ">", \$out) or die;
    do $request->{script};
    my $died = $@ && $@ !~ /^EXIT \d+\n\z/;
    $err .= $@ if $died;
    close STDOUT;
    print $answers $json->encode({stdout => MIME::Base64::encode_base64($out, ""),
                                  stderr => $err, died => $died ? 1 : 0}), "\n";
    POSIX::_exit(0);
}
"""


@dataclass(frozen=True)
class Answer:
    stdout: bytes
    stderr: str
    #: The script died (cowsay's `die`: a usage, an unknown cow), which exits non-zero.
    died: bool = False


class PerlCowsay:
    """One Perl that runs Debian's cowsay's code per request (see the module's docstring)."""

    def __init__(self) -> None:
        assert COWSAY.exists(), "Debian's cowsay is missing: run `make test`"
        self.process = subprocess.Popen(
            ["perl", "-e", DRIVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=ORACLE_ENV,
        )

    def run(self, argv: list[str], stdin: bytes = b"", think: bool = False) -> Answer:
        """What `cowsay ARGV < STDIN` (or cowthink) prints on stdout, and warns or dies with."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {
            "argv": argv,
            "stdin": base64.b64encode(stdin).decode("ascii"),
            "program": str(COWTHINK if think else COWSAY),
            "script": str(COWSAY),
        }
        self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return Answer(base64.b64decode(answer["stdout"]), answer["stderr"], bool(answer["died"]))

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def run_script(
    argv: list[str], stdin: bytes = b"", think: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """The script itself, as a process."""
    return subprocess.run(
        [str(COWTHINK if think else COWSAY), *argv],
        input=stdin,
        capture_output=True,
        env=ORACLE_ENV,
        timeout=60,
        check=False,
    )
