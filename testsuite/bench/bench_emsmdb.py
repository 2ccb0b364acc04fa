#!/usr/bin/python3
"""EMSMDB benchmark driver: a test bed with one mailbox user, then
testsuite/bench/bench_emsmdb against it.  Prints figures, never asserts.
Needs root (the bed binds a loopback address of its own).

    /usr/bin/python3 testsuite/bench/bench_emsmdb.py [--build-dir build]
        [--seconds 2] [--sessions 200]
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from testbed import TestBed  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    parser.add_argument("--seconds", default="2")
    parser.add_argument("--sessions", default="200")
    args = parser.parse_args()

    program = os.path.join(args.build_dir, "testsuite", "bench", "bench_emsmdb")
    module = os.path.join(args.build_dir, "mapiproxy", ".libs", "mapiproxy.so")
    subprocess.check_call(["make", "-s", "-C", args.build_dir, "testsuite/bench/bench_emsmdb"])
    # one user opens every session: lift the per-user and per-connection limits
    options = {"mapiproxy:max_sessions_per_user": "100000",
               "mapiproxy:max_sessions_per_connection": args.sessions}
    with TestBed(module=module, options=options) as bed:
        user = bed.add_mailbox_user("benchuser")
        command = [program, "--server", bed.address, "--user", "benchuser",
                   "--password", user["password"], "--domain", bed.domain,
                   "--dn", user["legacyExchangeDN"], "--seconds", args.seconds,
                   "--sessions", args.sessions, "--server-pid", str(bed.samba_pid()),
                   "--sqlite-dir", bed.dir]
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
