"""What an integration test knows about the test bed it runs in.

testsuite/testbed.py starts a throwaway DC and passes its facts to the tests
through OC_TESTBED_* variables; this module reads them once.
"""
import os
import unittest


class TestBedEnv:
    def __init__(self):
        missing = [v for v in ("OC_TESTBED_ADDRESS", "OC_TESTBED_DOMAIN",
                               "OC_TESTBED_ADMIN_USER", "OC_TESTBED_ADMIN_PASSWORD",
                               "OC_TESTBED_LOG")
                   if not os.environ.get(v)]
        if missing:
            raise unittest.SkipTest("not inside a test bed (missing %s); run through "
                                    "testsuite/testbed.py" % ", ".join(missing))
        self.address = os.environ["OC_TESTBED_ADDRESS"]
        self.realm = os.environ.get("OC_TESTBED_REALM", "")
        self.domain = os.environ["OC_TESTBED_DOMAIN"]
        self.admin_user = os.environ["OC_TESTBED_ADMIN_USER"]
        self.admin_password = os.environ["OC_TESTBED_ADMIN_PASSWORD"]
        self.log_file = os.environ["OC_TESTBED_LOG"]
        self.dir = os.environ.get("OC_TESTBED_DIR", "")
        self.smb_conf = os.environ.get("OC_TESTBED_SMB_CONF", "")

    def log_text(self):
        with open(self.log_file, encoding="utf-8", errors="replace") as log:
            return log.read()

    def require_exchange(self):
        """Skips the calling test class when the bed has no Exchange organization."""
        if os.environ.get("OC_TESTBED_EXCHANGE") != "1":
            raise unittest.SkipTest("the test bed has no Exchange organization")

    @staticmethod
    def built_program(name):
        """testsuite/integration/NAME in the build tree (OC_BUILD_DIR or ./build);
        skips the calling test class when it is not built."""
        here = os.path.dirname(os.path.abspath(__file__))
        build = os.environ.get("OC_BUILD_DIR", os.path.join(here, "..", "..", "build"))
        program = os.path.join(build, "testsuite", "integration", name)
        if not os.access(program, os.X_OK):
            raise unittest.SkipTest("%s is not built" % program)
        return program
