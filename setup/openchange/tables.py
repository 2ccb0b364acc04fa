"""The Exchange schema tables in setup/data/ (tab-separated, one header line,
no quoting; see setup/data/README.md)."""
import csv
import os

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
ATTRIBUTES_TSV = "exchange-schema-attributes.tsv"
CLASSES_TSV = "exchange-schema-classes.tsv"
ATTR_TO_MAPI_TSV = "exchange-attr-to-mapi.tsv"


def read_tsv(name, data_dir=None):
    """Rows of a table as dicts, in file order, keyed by the header."""
    path = os.path.join(data_dir or DATA_DIR, name)
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def split_list(cell):
    """A comma-separated cell as a list (empty cell: empty list)."""
    return [item for item in (cell or "").split(",") if item]


def load_attributes(data_dir=None):
    return {row["ldapDisplayName"]: row for row in read_tsv(ATTRIBUTES_TSV, data_dir)}


def load_classes(data_dir=None):
    return {row["ldapDisplayName"]: row for row in read_tsv(CLASSES_TSV, data_dir)}


def is_base(row):
    """True for rows describing what the Samba 4.17 base schema already has."""
    return row["in_samba_4_17_base"] == "yes"
