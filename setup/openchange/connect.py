"""Opening the domain's sam.ldb the way samba-tool does: from an smb.conf
(-s) or a sam.ldb URL (-H), as the system session, with clear refusals."""
import os

import ldb
from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

from . import ProvisionError


class Domain:
    """The facts of an opened domain that the layout is built from."""

    def __init__(self, samdb, lp, private_dir):
        self.samdb = samdb
        self.lp = lp
        self.private_dir = private_dir
        self.domain_dn = str(samdb.get_default_basedn())
        self.config_dn = str(samdb.get_config_basedn())
        self.schema_dn = str(samdb.get_schema_basedn())
        self.realm = samdb.domain_dns_name().upper()
        server = ldb.Dn(samdb, samdb.get_serverName())
        # The server object's RDN is the NetBIOS host name as samba wrote it.
        self.server_name = str(server.get_rdn_value()).upper()
        self.server_dn = str(server)
        self.fqdn = samdb.host_dns_name().lower()
        found = samdb.search(self.domain_dn, ldb.SCOPE_BASE, attrs=["objectSid"])
        self.domain_sid = samdb.schema_format_value("objectSid", found[0]["objectSid"][0]).decode()

    @property
    def mail_domain(self):
        return self.realm.lower()

    def ocdb_path(self):
        return os.path.join(self.private_dir, "openchange.ldb")


def load_lp(configfile=None, url=None, schema_updates=False):
    """A loadparm for -s CONFIGFILE, or for -H URL alone: then an empty
    configuration (so /etc/samba/smb.conf does not leak in) whose private
    directory is the one holding sam.ldb."""
    lp = LoadParm()
    if configfile:
        if not os.path.isfile(configfile):
            raise ProvisionError("%s: no such smb.conf" % configfile)
        lp.load(configfile)
    else:
        lp.load("/dev/null")
        path = url_path(url)
        if path:
            lp.set("private dir", os.path.dirname(os.path.abspath(path)))
    if schema_updates:
        lp.set("dsdb:schema update allowed", "yes")
    return lp


def url_path(url):
    """The file behind a tdb:// or plain sam.ldb URL; None for ldap:// etc."""
    if url is None:
        return None
    if url.startswith("tdb://"):
        return url[len("tdb://"):]
    if "://" in url:
        return None
    return url


def check_writable(paths):
    """Refuses early (before any change) when the caller cannot write what
    a transaction will touch: ldb would only fail at commit, or worse,
    open read-only."""
    for path in paths:
        if os.path.exists(path) and not os.access(path, os.W_OK):
            raise ProvisionError("no write access to %s (run as the user owning the "
                                 "samba private directory, normally root)" % path)


def open_domain(configfile=None, url=None, schema_updates=False, write=True):
    """Opens sam.ldb (URL, or the one CONFIGFILE names) -> Domain."""
    if not configfile and not url:
        raise ProvisionError("say which domain: -s smb.conf or -H sam.ldb")
    lp = load_lp(configfile, url, schema_updates)
    if not url:
        url = lp.samdb_url()
    path = url_path(url)
    if path is None:
        raise ProvisionError("%s: only a local sam.ldb (path or tdb:// URL) can be "
                             "provisioned; LDAP would not allow the schema changes" % url)
    try:
        os.stat(path)
    except FileNotFoundError:
        raise ProvisionError("%s: no such sam.ldb (is this a provisioned Samba AD DC?)"
                             % path) from None
    except PermissionError:
        raise ProvisionError("%s: no access (run as the user owning the samba private "
                             "directory, normally root)" % path) from None
    if not os.path.isfile(path):
        raise ProvisionError("%s is not a file" % path)
    private_dir = lp.get("private dir") or os.path.dirname(os.path.abspath(path))
    if write:
        partitions = os.path.join(os.path.dirname(os.path.abspath(path)), "sam.ldb.d")
        files = [path, os.path.dirname(os.path.abspath(path)), private_dir]
        if os.path.isdir(partitions):
            files += [partitions] + [os.path.join(partitions, name)
                                     for name in os.listdir(partitions)]
        check_writable(files)
    try:
        # global_schema=False: a process may open several domains (tests).
        samdb = SamDB(url=path, lp=lp, session_info=system_session(), global_schema=False)
        domain = Domain(samdb, lp, private_dir)
    except ldb.LdbError as error:
        raise ProvisionError("%s: cannot open as a Samba AD database: %s"
                             % (path, error.args[-1])) from None
    return domain
