"""The real public samples in ../shared/realdata, loaded end to end through the adapters.

raw (boligmon load-dir) -> staging -> int_units_tenure_derived (tenure) and int_address_areas
(geocoding), built with dbt in the throwaway test database. The folder is expected beside the
repository (`Path(repo_root).parent / "shared" / "realdata"`, or BOLIGMON_REALDATA); when it is
missing these tests fail (they do not skip). The files are linked into a temporary inbox, never
copied into the repository.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from conftest import invoke
from fakedata import cpr_record, fake_cpr
from typer.testing import CliRunner

from loaders.contract import SOURCES
from loaders.db import ensure_schema

REPO_ROOT = Path(__file__).resolve().parents[2]
REALDATA = Path(os.environ.get("BOLIGMON_REALDATA") or REPO_ROOT.parent / "shared" / "realdata")
BBR = REALDATA / "bbr_grbbr_2020_sample"
RETIRED = {"9", "10", "11", "14", "17"}
REPORT: dict[str, object] = {}


def realdata() -> Path:
    if not (REALDATA / "README.md").is_file():
        pytest.fail(
            f"The real sample folder {REALDATA} is missing. These tests need the shared real "
            "data beside the repository (../shared/realdata, with bbr_grbbr_2020_sample, "
            "dawa_adresser_sample, dagi_2014_neogeografen, dawa_jordstykker_bygninger_sample, "
            "bbr_kodelister) or BOLIGMON_REALDATA pointing at it."
        )
    return REALDATA


def _link_inbox(folder: Path, files: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        assert path.is_file(), f"real sample file missing: {path}"
        (folder / path.name).symlink_to(path)
    return folder


def run_dbt(database: str, tmp: Path, *select: str) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    profiles = tmp / "profiles"
    profiles.mkdir(exist_ok=True)
    shutil.copy(REPO_ROOT / "profiles.example.yml", profiles / "profiles.yml")
    env = {
        **os.environ,
        "PGDATABASE": database,
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    common = ["--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    if not (REPO_ROOT / "dbt_packages").is_dir():
        subprocess.run([str(dbt), "deps", "--quiet"], cwd=REPO_ROOT, env=env, check=True)
    done = subprocess.run(
        [str(dbt), "build", "--quiet", "--select", *select, *common],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def loaded(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[psycopg.Connection]:
    root = realdata()
    tmp = tmp_path_factory.mktemp("realdata")
    inbox = _link_inbox(
        tmp / "inbox",
        [
            *sorted(BBR.glob("bbr_*.csv")),
            root / "dawa_jordstykker_bygninger_sample" / "jordstykker_sample.geojson",
            root / "dawa_adresser_sample" / "adresser_sample.csv",
            root / "dagi_2014_neogeografen" / "kommuner_dissolved.geojson",
        ],
    )
    fake_residents_extract(inbox / "U000001.txt", root, RESIDENTS)
    with psycopg.connect(dbname=database, autocommit=True) as conn:
        ensure_schema(conn)
        tables = ", ".join(["raw._rejects", "raw._load_log"] + [f"raw.{s.name}" for s in SOURCES])
        conn.execute(f"truncate {tables}")
        result = invoke(CliRunner(), "load-dir", inbox)
        assert result.exit_code == 0, result.output
        REPORT["load_dir_output"] = result.output
        run_dbt(
            database,
            tmp,
            "+int_units_tenure_derived",
            "+int_address_areas",
            "+int_bbr_unknown_codes",
            "+int_residences_address_matched",
        )
        yield conn


RESIDENTS = 60


def _sample_addresses(root: Path, n: int) -> list[dict[str, str]]:
    with (root / "dawa_adresser_sample" / "adresser_sample.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    step = len(rows) // n
    return rows[::step][:n]


def fake_residents_extract(path: Path, root: Path, n: int) -> None:
    """A CPR extract of n fake persons (fake_cpr) living at real sample addresses, written the
    way CPR writes addresses: husnr right-aligned with its letter, floor 2 characters."""
    lines = []
    for i, address in enumerate(_sample_addresses(root, n)):
        pnr = fake_cpr(500 + i)
        number = address["husnr"]
        digits = "".join(c for c in number if c.isdigit())
        letter = "".join(c for c in number if c.isalpha())
        floor = address["etage"]
        floor = f"{int(floor):02d}" if floor.isdigit() else floor
        lines.append(cpr_record("001", pnr, {36: "01", 67: "M", 68: "1980-01-01"}))
        lines.append(
            cpr_record(
                "025",
                pnr,
                {30: address["kommunekode"], 34: address["vejkode"],
                 38: f"{digits:>3}{letter or ' '}", 42: floor, 44: address["doer"].ljust(4),
                 98: "202001010000"},
            )
        )  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")


def test_cpr_extract_addresses_match_real_dar_addresses(loaded: psycopg.Connection):
    """Residences from the CPR adapter find their real DAR address by the CPR-style KVHX."""
    expected = [a["adresse_id"] for a in _sample_addresses(realdata(), RESIDENTS)]
    rows = loaded.execute(
        "select address_id, match_method from intermediate.int_residences_address_matched"
    ).fetchall()
    assert len(rows) == RESIDENTS
    assert sorted(r[0] for r in rows) == sorted(expected)
    assert {r[1] for r in rows} == {"kvhx_bitemporal"}


def _current_units_from_csv() -> pd.DataFrame:
    units = pd.read_csv(BBR / "bbr_enhed.csv", dtype=str, keep_default_na=False)
    return units[(units["registreringTil"] == "") & (units["virkningTil"] == "")]


def test_adapters_chosen_and_logged(loaded: psycopg.Connection):
    rows = dict(
        loaded.execute(
            "select file_name, message from raw._load_log where status = 'loaded'"
        ).fetchall()
    )
    assert rows["bbr_enhed.csv"].startswith("adapter bbr ")
    assert "bbr_bygning.csv" in rows["bbr_enhed.csv"]  # companions named
    assert rows["adresser_sample.csv"].startswith("adapter dawa_csv ")
    assert rows["kommuner_dissolved.geojson"].startswith("adapter dagi ")
    assert "reprojected from EPSG:4326 to EPSG:25832" in rows["kommuner_dissolved.geojson"]
    output = str(REPORT["load_dir_output"])
    assert "adapter bbr chosen" in output and "companion" in output


def test_tenure_derived_for_every_real_unit(loaded: psycopg.Connection):
    csv_units = _current_units_from_csv()
    kept = csv_units[
        ~csv_units["status"].isin(RETIRED) & (csv_units["enh020EnhedensAnvendelse"] != "")
    ]
    derived = dict(
        loaded.execute(
            "select unit_id, tenure from intermediate.int_units_tenure_derived "
            "where valid_to is null"
        ).fetchall()
    )
    # every current BBR unit that is a unit (not retired, has a usage code) has a tenure
    assert set(kept["id_lokalId"].str.lower()) == set(derived)
    assert all(derived.values())
    # the same tenure by the seeded rule table, evaluated independently here
    rules = sorted(
        csv.DictReader((REPO_ROOT / "seeds" / "tenure_rules.csv").open(encoding="utf-8")),
        key=lambda r: int(r["rule_order"]),
    )
    units = loaded.execute(
        "select unit_id, subsidy_code, ownership_code, letting_code from raw.dwellings "
        "where valid_to is null"
    ).fetchall()
    expected = {}
    for unit_id, subsidy, owner, letting in units:
        values = {"subsidy_code": subsidy, "ownership_code": owner, "letting_code": letting}
        tenure = next((r["tenure"] for r in rules if values[r["field"]] == r["code"]), "ukendt")
        expected[unit_id.lower()] = tenure
    assert expected == derived
    counts = Counter(derived.values())
    share_unknown = counts["ukendt"] / len(derived)
    REPORT["tenure"] = dict(counts.most_common())
    REPORT["ukendt_share"] = round(share_unknown, 4)
    print(
        f"\nreal BBR tenure ({len(derived)} current units): {dict(counts.most_common())}; "
        f"ukendt share {share_unknown:.1%}"
    )
    # the sample has owner codes for all units, so ukendt comes from letting 3 / no letting
    assert 0 < share_unknown < 0.25
    assert {"almen", "ejer", "privat_udlejning", "andel", "offentlig"} <= set(counts)


def test_no_unknown_bbr_codes(loaded: psycopg.Connection):
    unknown = loaded.execute("select * from intermediate.int_bbr_unknown_codes").fetchall()
    assert unknown == []  # PROVENANCE: every code value occurs in the BBR code lists


def test_real_addresses_geocoded_to_their_kommune(loaded: psycopg.Connection):
    rows = loaded.execute(
        "select d.municipality_code, a.area_id from staging.stg_dar__addresses d "
        "left join intermediate.int_address_areas a on a.address_id = d.address_id "
        "and a.area_level = 'kommune' and a.valid_to is null"
    ).fetchall()
    assert len(rows) == 2817
    disagree = Counter((code, area) for code, area in rows if code != area)
    agree = len(rows) - sum(disagree.values())
    REPORT["geocoding"] = f"{agree} / {len(rows)}"
    print(f"\nkommune agreement {agree} / {len(rows)}; disagreements {dict(disagree)}")
    # PROVENANCE: 2 of 2,817 are border cases between Roskilde (0265) and Solrød (0269)
    assert sum(disagree.values()) <= 2
    assert set(disagree) <= {("0265", "0269"), ("0269", "0265")}


def test_keys_join_as_provenance_describes(loaded: psycopg.Connection):
    addresses = {r[0] for r in loaded.execute("select address_id from staging.stg_dar__addresses")}
    access = {
        r[0] for r in loaded.execute("select access_address_id from staging.stg_dar__addresses")
    }
    csv_units = _current_units_from_csv()
    assert len(csv_units) == 3024
    # 2 819 of 3 024 current units reference an address of the sample
    linked = csv_units["adresseIdentificerer"].str.lower().isin(addresses)
    assert int(linked.sum()) == 2819
    # the same links survive the adapter: loaded units -> addresses
    loaded_linked = loaded.execute(
        "select count(*) filter (where a.address_id is not null), count(*) "
        "from intermediate.int_units_tenure_derived u left join staging.stg_dar__addresses a "
        "on a.address_id = u.address_id where u.valid_to is null"
    ).fetchone()
    kept = csv_units[
        ~csv_units["status"].isin(RETIRED) & (csv_units["enh020EnhedensAnvendelse"] != "")
    ]
    assert loaded_linked[1] == len(kept)
    assert loaded_linked[0] == int(kept["adresseIdentificerer"].str.lower().isin(addresses).sum())
    # 3 163 of 3 164 current buildings reference an access address (husnummer) of the sample
    buildings = pd.read_csv(BBR / "bbr_bygning.csv", dtype=str, keep_default_na=False)
    current = buildings[(buildings["registreringTil"] == "") & (buildings["virkningTil"] == "")]
    assert len(current) == 3164
    assert int(current["husnummer"].str.lower().isin(access).sum()) == 3163
    # every loaded unit got its building through Opgang/Etage, and that building is a BBR one
    unit_buildings = {
        r[0]
        for r in loaded.execute(
            "select distinct building_id from staging.stg_bbr__dwellings where valid_to is null"
        )
    }
    assert None not in unit_buildings
    assert unit_buildings <= set(buildings["id_lokalId"].str.lower())


def test_ois_zip_gives_the_same_units_as_the_flat_csv(tmp_path: Path):
    """The raw OIS zips (ISO-8859-1 XML) convert to exactly the rows of the flattened CSVs."""
    from loaders.adapters import bbr, choose

    realdata()
    zips = _link_inbox(tmp_path / "zips", sorted((BBR / "raw_ois_zip").glob("*.ZIP")))
    flat = _link_inbox(tmp_path / "flat", sorted(BBR.glob("bbr_*.csv")))
    enhed_zip = next(zips.glob("*CO50500T*"))
    adapter, _ = choose(enhed_zip)
    assert adapter is not None and adapter.name == "bbr"
    from_zip = bbr.convert(enhed_zip).outputs[0].frame
    from_csv = bbr.convert(flat / "bbr_enhed.csv").outputs[0].frame
    key = ["unit_id", "valid_from"]
    pd.testing.assert_frame_equal(
        from_zip.sort_values(key).reset_index(drop=True),
        from_csv.sort_values(key).reset_index(drop=True),
    )
    assert (from_zip["construction_year"] != "").mean() > 0.9


def test_real_dar10_adresse_is_recognised_and_needs_husnummer(
    cli: CliRunner, db: psycopg.Connection, tmp_path: Path
):
    root = realdata()
    inbox = _link_inbox(
        tmp_path / "dar", sorted((root / "dawa_adresser_sample" / "raw_dar10").glob("*.ndjson"))
    )
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 1
    assert "adapter dar_entities chosen" in result.output
    assert "no DAR Husnummer file in the same folder" in result.output
    assert db.execute("select count(*) from raw.addresses").fetchone() == (0,)


def test_real_dagi_parts_dissolve_per_kommune(cli: CliRunner, db: psycopg.Connection, tmp_path):
    root = realdata()
    inbox = _link_inbox(tmp_path / "dagi", [root / "dagi_2014_neogeografen" / "kommuner.geojson"])
    result = invoke(cli, "load-dir", inbox)
    assert result.exit_code == 0, result.output
    assert "311 features dissolved into 99 kommune areas" in result.output
    assert db.execute(
        "select count(*), count(distinct area_id), min(st_srid(geom)), "
        "bool_and(st_isvalid(geom)) from raw.areas where area_level = 'kommune'"
    ).fetchone() == (99, 99, 25832, True)


def test_bbr_code_seed_is_derived_from_the_real_code_lists():
    """seeds/bbr_codes.csv is exactly what scripts/make_bbr_code_seeds.py derives."""
    import importlib.util

    root = realdata()
    spec = importlib.util.spec_from_file_location(
        "make_bbr_code_seeds", REPO_ROOT / "scripts" / "make_bbr_code_seeds.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    derived = module.derive(root / "bbr_kodelister" / "bbr_kodelister.csv")
    with (REPO_ROOT / "seeds" / "bbr_codes.csv").open(encoding="utf-8", newline="") as handle:
        committed = [tuple(r) for r in list(csv.reader(handle))[1:]]
    assert committed == derived
    assert {r[0] for r in committed} >= {
        "EnhAnvendelse",
        "Udlejningsforhold",
        "OffentligStoette",
        "Ejerforholdskode",
        "Boligtype",
        "Kommunekode",
    }
