"""OpenChange provisioning: the Exchange schema extension, the Exchange
organization in the Configuration partition, mail-enabled recipients and
openchange.ldb.  Library code shared by setup/openchange_provision,
setup/openchange_newuser and the test bed (testsuite/testbed.py).

Needs python3-samba, i.e. Debian's /usr/bin/python3.
"""

# What openchange_provision writes; stored on the organization object
# (adminDescription, see organization.py) and in openchange.ldb's server
# record.  A major change means "incompatible layout": another version of
# the tools refuses to touch the organization instead of guessing.
PROVISION_VERSION = "1.0"


class ProvisionError(Exception):
    """A refusal or failure worth one clear line to the user."""
