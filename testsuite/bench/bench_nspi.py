#!/usr/bin/python3
"""NSPI benchmark driver: a test bed whose GAL holds --entries entries
(mostly contacts, which cost no password hashing to create, plus some
mailbox users), then testsuite/bench/bench_nspi against it.  Prints figures,
never asserts.  Needs root (the bed binds a loopback address of its own).

    /usr/bin/python3 testsuite/bench/bench_nspi.py [--build-dir build]
        [--entries 10000] [--seconds 2] [--sessions 100]
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from testbed import TestBed  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"))
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", default="2")
    parser.add_argument("--sessions", default="100")
    args = parser.parse_args()

    program = os.path.join(args.build_dir, "testsuite", "bench", "bench_nspi")
    module = os.path.join(args.build_dir, "mapiproxy", ".libs", "mapiproxy.so")
    if not os.access(program, os.X_OK):
        subprocess.check_call(["make", "-s", "-C", args.build_dir, "testsuite/bench/bench_nspi"])
    with TestBed(module=module) as bed:
        users = min(args.users, args.entries)
        started = time.monotonic()
        entries = bed.populate_address_book(n_users=users, n_groups=0,
                                            n_contacts=args.entries - users, prefix="bench")
        print("GAL: %d entries (%d mailbox users) created in %.1f s"
              % (len(entries), users, time.monotonic() - started), flush=True)
        name = entries[0]["name"]
        command = [program, "--server", bed.address, "--user", bed.admin_user,
                   "--password", bed.admin_password, "--domain", bed.domain,
                   "--seconds", args.seconds, "--sessions", args.sessions,
                   "--server-pid", str(bed.samba_pid()), name]
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
