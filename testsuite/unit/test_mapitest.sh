#!/bin/sh
# utils/mapitest as a user runs it, without a server: the offline families
# pass, --list names every family, usage errors are exit 2 and a family that
# needs a server without credentials is a usage error too.
# Run by `make check` from the build directory.
set -u
prog=./utils/mapitest/mapitest
fail() { echo "FAIL: $*"; exit 1; }

out=$($prog --family NOSERVER --family LZ77) || fail "offline families exit $?: $out"
last=$(printf '%s\n' "$out" | tail -n 1)
echo "$last" | grep -Eq '^[0-9]+ passed, 0 failed$' || fail "closing line '$last'"
printf '%s\n' "$out" | grep -q '^0 skipped$' || fail "no skip count line"
printf '%s\n' "$out" | grep -q 'FAIL' && fail "a failure: $out"

list=$($prog --list) || fail "--list exit $?"
for f in NOSERVER LZ77 OXCRPC RFR NSPI OXCSTOR ERRORCHECKS OXCFOLD OXCTABL OXCMSG OXCPRPT; do
	printf '%s\n' "$list" | grep -q "^$f: " || fail "--list lacks $f"
done

$prog --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option is not exit 2"
$prog --family NOPE >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown family is not exit 2"
$prog --test no_such_test >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown test is not exit 2"
$prog --format xml >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --format is not exit 2"
err=$($prog --family OXCSTOR 2>&1 >/dev/null); st=$?
[ $st -eq 2 ] || fail "a server family without credentials: exit $st"
echo "$err" | grep -q '^mapitest: ' || fail "no message: $err"
$prog --help | grep -q '^usage: mapitest' || fail "--help"
echo "PASS"
