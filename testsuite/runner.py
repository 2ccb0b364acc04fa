#!/usr/bin/python3
"""Runs the whole OpenChange test suite and ends with one summary line.

1. unit tests: `make check` in the build tree (cmocka binaries, under valgrind
   when it is installed); their counts come from cmocka's own summaries;
2. fuzz targets: each libFuzzer target for a few seconds;
3. integration tests: every testsuite/integration/test_*.py, inside one
   throwaway DC (testsuite/testbed.py) with the freshly built module.

The last line is "N passed, N failed[, N skipped]", which CI reads.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "integration"))

from testbed import TestBed  # noqa: E402


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def add(self, passed=0, failed=0, skipped=0):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped


def run_unit_tests(build_dir, tally):
    command = ["make", "-s", "-C", build_dir, "check"]
    if shutil.which("valgrind"):
        # A leak or an invalid access fails the binary even when every test passed.
        command.append("LOG_COMPILER=valgrind -q --leak-check=full --error-exitcode=99 "
                       "--errors-for-leak-kinds=definite,indirect")
    print("== unit tests (%s)" % " ".join(command[4:]), flush=True)
    status = subprocess.call(command)
    logs = sorted(glob.glob(os.path.join(build_dir, "testsuite", "unit", "*.log")))
    logs = [log for log in logs if not log.endswith("test-suite.log")]
    if not logs:
        print("unit tests: no cmocka log found in %s" % build_dir)
        tally.add(failed=1)
        return
    for log in logs:
        text = open(log, encoding="utf-8", errors="replace").read()
        sys.stdout.write(text)
        passed = re.search(r"^\[  PASSED  \] (\d+) test", text, re.M)
        failed = re.search(r"^\[  FAILED  \] (\d+) test", text, re.M)
        skipped = re.search(r"^\[  SKIPPED \] (\d+) test", text, re.M)
        if not (passed or failed):
            # A binary that crashed before its summary counts as one failure.
            print("unit tests: %s ended without a cmocka summary" % log)
            tally.add(failed=1)
            continue
        tally.add(passed=int(passed.group(1)) if passed else 0,
                  failed=int(failed.group(1)) if failed else 0,
                  skipped=int(skipped.group(1)) if skipped else 0)
    if status != 0 and tally.failed == 0:
        print("unit tests: make check failed (exit %d) without a failing test" % status)
        tally.add(failed=1)


def run_fuzz_targets(build_dir, seconds, tally):
    """Each libFuzzer target for a bounded time: a crash or sanitizer report fails it."""
    print("== fuzz targets (%d s each)" % seconds, flush=True)
    if subprocess.call(["make", "-s", "-C", build_dir, "fuzz"]) != 0:
        print("fuzz targets: build failed")
        tally.add(failed=1)
        return
    names = subprocess.run(["make", "-s", "--no-print-directory", "-C", build_dir, "print-fuzz-targets"],
                           capture_output=True, text=True, check=True).stdout.split()
    names = [name for name in names if name.startswith("testsuite/fuzz/")]
    for name in names:
        target = os.path.join(build_dir, name)
        run = subprocess.run([target, "-max_total_time=%d" % seconds, "-print_final_stats=0"],
                             capture_output=True, text=True)
        last = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        if run.returncode == 0:
            print("ok %s: %s" % (name, last))
            tally.add(passed=1)
        else:
            print("FAILED %s (exit %d):\n%s" % (name, run.returncode, run.stderr[-4000:]))
            tally.add(failed=1)


class CountingResult(unittest.TextTestResult):
    """Counts a test once, as failed if any of its subtests failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_ids = set()
        self.skipped_ids = set()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(test.id())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_ids.add(test.id())

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_ids.add(test.id())


def run_integration_tests(build_dir, pattern, tally):
    print("== integration tests (throwaway DC)", flush=True)
    module = os.path.join(build_dir, "mapiproxy", ".libs", "mapiproxy.so")
    loader = unittest.TestLoader()
    suite = loader.discover(os.path.join(HERE, "integration"), pattern=pattern,
                            top_level_dir=os.path.join(HERE, "integration"))
    started = time.monotonic()
    # EcDoAsyncWaitEx waits 5 minutes by default (MS-OXCRPC 3.3.4.1); the
    # integration tests see it time out in seconds.
    options = {"mapiproxy:async_wait_timeout": "3"}
    with TestBed(module=module, options=options) as bed:
        os.environ.update(bed.environment())
        runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                         resultclass=CountingResult)
        result = runner.run(suite)
    print("integration: %.1f s including the test bed" % (time.monotonic() - started))
    failed = len(result.failed_ids)
    skipped = len(result.skipped_ids - result.failed_ids)
    tally.add(passed=result.testsRun - failed - skipped, failed=failed, skipped=skipped)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"),
                        help="the build tree (default: ./build)")
    parser.add_argument("--unit-only", action="store_true")
    parser.add_argument("--integration-only", action="store_true")
    parser.add_argument("--fuzz-seconds", type=int, default=5,
                        help="how long each fuzz target runs (0 skips them)")
    parser.add_argument("--pattern", default="test_*.py",
                        help="which integration test files to run")
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build)

    tally = Tally()
    if not args.integration_only:
        run_unit_tests(build_dir, tally)
        if args.fuzz_seconds > 0:
            run_fuzz_targets(build_dir, args.fuzz_seconds, tally)
    if not args.unit_only:
        try:
            run_integration_tests(build_dir, args.pattern, tally)
        except Exception as error:  # the test bed itself failed
            print("integration tests: the test bed failed: %s" % error)
            tally.add(failed=1)

    line = "%d passed, %d failed" % (tally.passed, tally.failed)
    if tally.skipped:
        line += ", %d skipped" % tally.skipped
    print(line)
    return 1 if tally.failed or tally.passed == 0 else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # The test bed has already stopped its DC and removed its directory.
        print("\ninterrupted: the suite did not finish")
        sys.exit(130)
