"""openchange_provision as a library: provision() and deprovision()."""
import time

import ldb

from . import ProvisionError, connect, organization, schema


def _open(configfile, url, realm, schema_updates):
    domain = connect.open_domain(configfile, url, schema_updates=schema_updates)
    if realm and realm.upper() != domain.realm:
        raise ProvisionError("realm mismatch: the domain is %s, not %s"
                             % (domain.realm, realm.upper()))
    return domain


def provision(configfile=None, url=None, organization_name=organization.DEFAULT_ORGANIZATION,
              admin_group=organization.DEFAULT_ADMIN_GROUP, realm=None, scope="minimal",
              say=None):
    """Extends the schema, creates the organization and openchange.ldb.
    Returns a dict: changed (bool), schema_changes, seconds, layout."""
    say = say or (lambda text: None)
    organization.check_name(organization_name, "organization name")
    organization.check_name(admin_group, "administrative group name")
    started = time.monotonic()
    domain = _open(configfile, url, realm, schema_updates=True)
    layout = organization.Layout(domain, organization_name, admin_group)
    try:
        state = organization.read_state(domain)
        todo = organization.check_existing(state, organization_name, admin_group)
        plan = schema.select(scope)
        schema_started = time.monotonic()
        changes = schema.apply(domain.samdb, plan, say)
        schema_seconds = time.monotonic() - schema_started
        if changes:
            say("Exchange schema: %d objects added or extended in %.1f s"
                % (changes, schema_seconds))
        if todo is None:
            say("%s is already provisioned (organization %r, administrative group %r): "
                "nothing to do" % (domain.realm, organization_name, admin_group))
        else:
            organization.create(domain, layout)
            say("Created organization %r (%s) with server %s and openchange.ldb (%s)"
                % (organization_name, layout.org_legacy_dn, domain.server_name,
                   domain.ocdb_path()))
    except ldb.LdbError as error:
        raise ProvisionError("the directory refused a change: %s" % error.args[-1]) from None
    seconds = time.monotonic() - started
    if todo is not None:
        say("Provisioned %s in %.1f s" % (domain.realm, seconds))
    elif changes:
        say("Completed the schema of %s in %.1f s" % (domain.realm, seconds))
    return {"changed": bool(changes or todo is not None), "schema_changes": changes,
            "seconds": seconds, "schema_seconds": schema_seconds, "layout": layout}


def deprovision(configfile=None, url=None, realm=None, say=None):
    """Removes the organization and openchange.ldb.  Returns True if
    anything was removed."""
    say = say or (lambda text: None)
    domain = _open(configfile, url, realm, schema_updates=False)
    state = organization.read_state(domain)
    if not state.provisioned and not state.ocdb_exists:
        say("%s is not provisioned: nothing to remove" % domain.realm)
        return False
    if state.provisioned and not organization.compatible(state.version):
        raise ProvisionError("organization %s was not provisioned by this version (%s): "
                             "not removing it" % (", ".join(state.organizations),
                                                  state.version or "unknown"))
    try:
        organization.remove(domain, state)
    except ldb.LdbError as error:
        raise ProvisionError("the directory refused a change: %s" % error.args[-1]) from None
    say("Removed organization %s and %s; the Exchange schema additions stay (AD schema "
        "objects cannot be deleted)" % (", ".join(repr(o) for o in state.organizations)
                                        or "(none)", domain.ocdb_path()))
    return True


def run(args, say):
    if args.deprovision:
        deprovision(args.configfile, args.url, args.realm, say)
    else:
        provision(args.configfile, args.url, args.organization, args.admin_group,
                  args.realm, args.schema_scope, say)
    return 0
