"""Geography of a synthetic municipality: cells, areas, addresses (DAR) and dwellings (BBR).

The municipality is a square of `side` x `side` cells of 250 m. Bydele are the four quadrants,
skoledistrikter the west/east halves of each quadrant; the sd_01/sd_02 line moves half a cell
east on BOUNDARY_CHANGE_DAY. Almene afdelinger are single cells, grouped into boligomraader.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np

from . import config as C

BIG = 10**7  # "open" day number (far future)

STREET_PREFIX = [
    "Rose",
    "Birke",
    "Ege",
    "Skov",
    "Sø",
    "Mølle",
    "Kirke",
    "Æble",
    "Ådals",
    "Bøge",
    "Hør",
    "Kløver",
    "Lærke",
    "Smede",
    "Stations",
    "Strand",
    "Vænge",
    "Fjord",
    "Græs",
    "Hyld",
    "Pile",
    "Hassel",
    "Lind",
    "Ørne",
]
STREET_SUFFIX = ["vej", "gade", "allé", "parken", "vænget", "stien", "haven", "toften", "høj"]


@dataclass
class Geo:
    """Everything spatial, as parallel lists (one entry per row of the future file)."""

    side: int
    prefix: str  # "" for the municipality scale; "_<code>" suffix used at national scale
    muni_code: str
    x0: float
    y0: float
    # areas: (area_id, name, level, official_code, parent, valid_from, valid_to, (x1,y1,x2,y2))
    areas: list[tuple[str, str, str, str, str, int, int, tuple[float, float, float, float]]] = (
        field(default_factory=list)
    )
    # access addresses (husnumre)
    acc_id: list[str] = field(default_factory=list)
    acc_x: list[float] = field(default_factory=list)
    acc_y: list[float] = field(default_factory=list)
    acc_street: list[int] = field(default_factory=list)
    acc_number: list[int] = field(default_factory=list)
    acc_building: list[str] = field(default_factory=list)
    # unit addresses
    adr_id: list[str] = field(default_factory=list)
    adr_acc: list[int] = field(default_factory=list)
    adr_floor: list[str] = field(default_factory=list)
    adr_door: list[str] = field(default_factory=list)
    adr_from: list[int] = field(default_factory=list)
    adr_to: list[int] = field(default_factory=list)
    streets: list[tuple[int, str, str]] = field(default_factory=list)  # code, name, postcode
    # dwellings: one per unit address that has one (dw index -> address index)
    dw_adr: list[int] = field(default_factory=list)
    dw_tenure: list[str] = field(default_factory=list)  # tenure of the unit (before conversion)
    dw_codes: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    dw_from: list[int] = field(default_factory=list)
    dw_to: list[int] = field(default_factory=list)
    dw_af: list[str] = field(default_factory=list)  # afdeling id or ""
    dw_bo: list[str] = field(default_factory=list)  # boligomraade id or ""
    dw_area_m2: list[int] = field(default_factory=list)
    dw_rooms: list[int] = field(default_factory=list)
    dw_year: list[int] = field(default_factory=list)
    dw_unit_id: list[str] = field(default_factory=list)
    dw_converted: list[bool] = field(default_factory=list)
    dw_frozen: list[bool] = field(default_factory=list)  # demolition afdeling
    # area_members rows: (area_id, address index, valid_from, valid_to)
    members: list[tuple[str, int, int, int]] = field(default_factory=list)
    nodwelling_adr: list[int] = field(default_factory=list)  # addresses without a unit
    edge_acc: list[int] = field(default_factory=list)  # access addresses on a shared edge
    conversion_af: str = ""
    demolished_afs: list[str] = field(default_factory=list)
    new_af: str = ""

    def aid(self, base: str) -> str:
        return f"{base}{self.prefix}"


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _cell_box(g: Geo, i: int, j: int, w: int = 1, h: int = 1) -> tuple[float, float, float, float]:
    return (g.x0 + i * C.CELL, g.y0 + j * C.CELL, g.x0 + (i + w) * C.CELL, g.y0 + (j + h) * C.CELL)


def _street(g: Geo) -> int:
    k = len(g.streets)
    name = STREET_PREFIX[k % len(STREET_PREFIX)] + STREET_SUFFIX[(k // len(STREET_PREFIX)) % 9]
    if k >= len(STREET_PREFIX) * 9:
        name += f" {k // (len(STREET_PREFIX) * 9) + 1}"
    g.streets.append((k + 1, name, ""))
    return k


# BBR codes per tenure kind: (enh020 use, enh023 type, enh045 letting, enh046 subsidy, ejerforhold)
def _codes(kind: str, rng: np.random.Generator) -> tuple[tuple[str, str, str, str, str], str]:
    """BBR code tuple and the tenure the rule order of criteria.md section 6 gives for it."""
    u = rng.random()
    if kind == "almen":
        if u < 0.05:
            return ("140", "1", "1", "0", "20"), "almen"  # almen via ejerforhold 20 only
        if u < 0.10:
            return ("140", "1", "1", "40", "20"), "almen"  # ældrebolig
        return ("140", "1", "1", "10", "20"), "almen"
    if kind == "andel":
        if u < 0.08:
            return ("140", "1", "1", "20", "40"), "andel"  # støttet privat andel (enh046 20)
        if u < 0.25:
            return ("140", "1", "2", "0", "41"), "andel"  # enh045 2 but ejerforhold 41 first
        return ("140", "1", "1", "0", "41"), "andel"
    if kind == "offentlig":
        return ("140", "1", "1", "0", "50" if u < 0.8 else "80"), "offentlig"
    if kind == "ejerlejl":
        return ("140", "1", "2", "0", "90"), "ejer"
    if kind == "house":
        use = "120" if u < 0.6 else ("121" if u < 0.8 else "131")
        return (use, "1", "2", "0", "10"), "ejer"
    if kind == "privat":
        if u < 0.02:
            return ("140", "1", "3", "0", "30"), "ukendt"  # registered as unused
        if u < 0.10:
            return ("140", "1", "1", "15", "30"), "privat_udlejning"  # støttet privat
        own = "30" if u < 0.6 else ("10" if u < 0.85 else "40")
        return ("140", "1", "1", "0", own), "privat_udlejning"
    if kind == "leisure":
        return ("510", "5", "2", "0", "10"), "ejer"
    raise ValueError(kind)


def _add_block_estate(
    g: Geo,
    rng: np.random.Generator,
    box: tuple[float, float, float, float],
    kind: str,
    n_units: int,
    af: str,
    bo: str,
    dw_from: int,
    year: int,
    adr_from: int,
) -> list[int]:
    """Apartment blocks: access addresses on a grid inside box, 8 units each (st-3, tv/th)."""
    x1, y1, x2, y2 = box
    n_acc = max(1, int(np.ceil(n_units / 8)))
    cols = int(np.ceil(np.sqrt(n_acc * (x2 - x1) / max(y2 - y1, 1.0))))
    rows = int(np.ceil(n_acc / cols))
    dx, dy = (x2 - x1) / (cols + 1), (y2 - y1) / (rows + 1)
    street = _street(g)
    made: list[int] = []
    left = n_units
    building = _uuid(rng)
    for a in range(n_acc):
        cx = x1 + dx * (a % cols + 1) + 0.37
        cy = y1 + dy * (a // cols + 1) + 0.21
        if a % 2 == 0:
            building = _uuid(rng)
        acc = len(g.acc_id)
        g.acc_id.append(_uuid(rng))
        g.acc_x.append(round(cx, 2))
        g.acc_y.append(round(cy, 2))
        g.acc_street.append(street)
        g.acc_number.append(a + 1)
        g.acc_building.append(building)
        for k in range(min(8, left)):
            adr = len(g.adr_id)
            g.adr_id.append(_uuid(rng))
            g.adr_acc.append(acc)
            g.adr_floor.append(["st", "1", "2", "3"][k // 2])
            g.adr_door.append(["tv", "th"][k % 2])
            g.adr_from.append(adr_from)
            g.adr_to.append(BIG)
            codes, ten = _codes(kind, rng)
            _add_dwelling(g, rng, adr, codes, ten, af, bo, dw_from, year)
            made.append(adr)
        left -= 8
        if left <= 0:
            break
    return made


def _add_dwelling(
    g: Geo,
    rng: np.random.Generator,
    adr: int,
    codes: tuple[str, str, str, str, str],
    tenure: str,
    af: str,
    bo: str,
    dw_from: int,
    year: int,
) -> None:
    g.dw_adr.append(adr)
    g.dw_codes.append(codes)
    g.dw_tenure.append(tenure)
    g.dw_from.append(dw_from)
    g.dw_to.append(BIG)
    g.dw_af.append(af)
    g.dw_bo.append(bo)
    rooms = int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.3, 0.35, 0.18, 0.07]))
    if codes[0] in ("120", "121", "131"):
        rooms += 1
    g.dw_rooms.append(rooms)
    g.dw_area_m2.append(int(25 + rooms * 22 + rng.integers(0, 20)))
    g.dw_year.append(year)
    g.dw_unit_id.append(_uuid(rng))
    g.dw_converted.append(False)
    g.dw_frozen.append(False)


def _add_houses(
    g: Geo,
    rng: np.random.Generator,
    box: tuple[float, float, float, float],
    n: int,
    kind: str = "house",
    xs: list[float] | None = None,
) -> list[int]:
    """Single-unit houses on a 7 x 7 grid inside box (or at the given x positions)."""
    x1, y1, x2, y2 = box
    street = _street(g)
    made: list[int] = []
    for a in range(n):
        if xs is not None:
            cx, cy = xs[a], y1 + 30.0 + 40.0 * a + 0.13
        else:
            cx = x1 + 28.0 + 32.0 * (a % 7) + 0.41
            cy = y1 + 28.0 + 32.0 * (a // 7) + 0.29
        acc = len(g.acc_id)
        g.acc_id.append(_uuid(rng))
        g.acc_x.append(round(cx, 2))
        g.acc_y.append(round(cy, 2))
        g.acc_street.append(street)
        g.acc_number.append(2 * a + 1)
        g.acc_building.append(_uuid(rng))
        adr = len(g.adr_id)
        g.adr_id.append(_uuid(rng))
        g.adr_acc.append(acc)
        g.adr_floor.append("")
        g.adr_door.append("")
        g.adr_from.append(C.day(1985, 1, 1))
        g.adr_to.append(BIG)
        codes, ten = _codes(kind, rng)
        _add_dwelling(g, rng, adr, codes, ten, "", "", C.day(1985, 1, 1), 1960 + a % 50)
        made.append(adr)
    return made


def build_geo(
    rng: np.random.Generator,
    side: int,
    background: dict[str, int],
    planted: bool,
    muni_code: str = C.MUNICIPALITY_CODE,
    prefix: str = "",
    x0: float = C.X0,
    y0: float = C.Y0,
    nonresidential_addresses: int = 0,
) -> Geo:
    """Lay out areas, addresses and dwellings.

    nonresidential_addresses: extra DAR addresses without any BBR unit (shops, offices), each
    3 m east of a random existing access point (national scale: DAR has ~3.8 M addresses for
    ~3 M dwellings).

    background: target number of dwellings per kind (almen, andel, privat, offentlig, ejerlejl,
    house) outside the planted areas.
    """
    g = Geo(side=side, prefix=prefix, muni_code=muni_code, x0=x0, y0=y0)
    q = side // 2
    hq = q // 2
    far = C.day(2010, 1, 1)
    g.areas.append(
        (
            f"k_{muni_code}",
            C.MUNICIPALITY_NAME if not prefix else f"Synthby {muni_code}",
            "kommune",
            "",
            "",
            far,
            BIG,
            _cell_box(g, 0, 0, side, side),
        )
    )
    quads = [(0, 0), (q, 0), (0, q), (q, q)]
    for b, (qi, qj) in enumerate(quads):
        by = g.aid(f"by_{b + 1:02d}")
        g.areas.append(
            (
                by,
                f"Bydel {b + 1}",
                "bydel",
                "",
                f"k_{muni_code}",
                far,
                BIG,
                _cell_box(g, qi, qj, q, q),
            )
        )
        for h in range(2):
            sd = g.aid(f"sd_{2 * b + h + 1:02d}")
            box = _cell_box(g, qi + h * hq, qj, hq, q)
            if b == 0:
                # the sd_01 / sd_02 line moves half a cell east on BOUNDARY_CHANGE_DAY
                x1, y1, x2, y2 = box
                mid = x2 if h == 0 else x1
                new_mid = mid + C.CELL / 2
                old = box
                new = (x1, y1, new_mid, y2) if h == 0 else (new_mid, y1, x2, y2)
                g.areas.append(
                    (
                        sd,
                        f"Skoledistrikt {2 * b + h + 1}",
                        "skoledistrikt",
                        "",
                        by,
                        far,
                        C.BOUNDARY_CHANGE_DAY,
                        old,
                    )
                )
                g.areas.append(
                    (
                        sd,
                        f"Skoledistrikt {2 * b + h + 1}",
                        "skoledistrikt",
                        "",
                        by,
                        C.BOUNDARY_CHANGE_DAY,
                        BIG,
                        new,
                    )
                )
            else:
                g.areas.append(
                    (sd, f"Skoledistrikt {2 * b + h + 1}", "skoledistrikt", "", by, far, BIG, box)
                )
    used: set[tuple[int, int]] = set()
    af_n = [0]
    bo_n = [7]

    def new_af() -> str:
        af_n[0] += 1
        return g.aid(f"af_{af_n[0]:04d}")

    def bydel_of(i: int, j: int) -> str:
        return g.aid(f"by_{(1 if i >= q else 0) + (2 if j >= q else 0) + 1:02d}")

    if planted:
        specs = [(C.AREA_U, 1, 1), (C.AREA_K, q + 1, 1), (C.AREA_F, 1, q + 1)]
        for bo, ci, cj in specs:
            g.areas.append(
                (
                    bo,
                    C.AREA_NAMES[bo],
                    "boligomraade",
                    C.OFFICIAL_CODES[bo],
                    bydel_of(ci, cj),
                    far,
                    BIG,
                    _cell_box(g, ci, cj, 2, 2),
                )
            )
            for k in range(4):
                i, j = ci + k % 2, cj + k // 2
                af = new_af()
                used.add((i, j))
                g.areas.append(
                    (
                        af,
                        f"{C.AREA_NAMES[bo]} afd. {k + 1}",
                        "afdeling",
                        "",
                        bo,
                        far,
                        BIG,
                        _cell_box(g, i, j),
                    )
                )
                adrs = _add_block_estate(
                    g,
                    rng,
                    _cell_box(g, i, j),
                    "almen",
                    160,
                    af,
                    bo,
                    C.day(1972, 1, 1),
                    1972,
                    C.day(1972, 1, 1),
                )
                if bo == C.AREA_K:
                    for a in adrs:
                        g.members.append((bo, a, far, BIG))
                        g.members.append((af, a, far, BIG))
                    if k >= 2:
                        g.demolished_afs.append(af)
            # reserve the row below each planted area
            used.update({(ci, cj - 1), (ci + 1, cj - 1)})
        # Area K: two access addresses (16 units) 10 m south of the polygon, members by list
        kaf = g.aid("af_0005")
        x1, y1, _, _ = _cell_box(g, q + 1, 1)
        for a_ in range(2):
            box = (x1 + 40.0 + 120.0 * a_, y1 - 12.0, x1 + 80.0 + 120.0 * a_, y1 - 8.0)
            adrs = _add_block_estate(
                g, rng, box, "almen", 8, kaf, C.AREA_K, C.day(1972, 1, 1), 1972, C.day(1972, 1, 1)
            )
            for a in adrs:
                g.members.append((C.AREA_K, a, far, BIG))
                g.members.append((kaf, a, far, BIG))
        # mark the demolished afdeling
        for d, af in enumerate(g.dw_af):
            if af in g.demolished_afs:
                g.dw_frozen[d] = True
        # receiving area R: one existing afdeling and one new-built in 2024
        ri, rj = q + 1, q + 1
        g.areas.append(
            (
                C.AREA_R,
                C.AREA_NAMES[C.AREA_R],
                "boligomraade",
                "",
                bydel_of(ri, rj),
                far,
                BIG,
                _cell_box(g, ri, rj, 2, 1),
            )
        )
        af = new_af()
        g.areas.append(
            (af, "Rosenvaenget afd. 1", "afdeling", "", C.AREA_R, far, BIG, _cell_box(g, ri, rj))
        )
        _add_block_estate(
            g,
            rng,
            _cell_box(g, ri, rj),
            "almen",
            120,
            af,
            C.AREA_R,
            C.day(1968, 1, 1),
            1968,
            C.day(1968, 1, 1),
        )
        af = new_af()
        g.new_af = af
        g.areas.append(
            (
                af,
                "Rosenvaenget afd. 2",
                "afdeling",
                "",
                C.AREA_R,
                C.NEWBUILD_FROM,
                BIG,
                _cell_box(g, ri + 1, rj),
            )
        )
        _add_block_estate(
            g,
            rng,
            _cell_box(g, ri + 1, rj),
            "almen",
            160,
            af,
            C.AREA_R,
            C.NEWBUILD_FROM,
            2023,
            C.day(2023, 10, 1),
        )
        used.update({(ri, rj), (ri + 1, rj)})
        # tiny area S (disclosure): 16 units in a 100 m square
        si, sj = q + 1, q + 3
        x1, y1, _, _ = _cell_box(g, si, sj)
        sbox = (x1 + 50.0, y1 + 50.0, x1 + 150.0, y1 + 150.0)
        g.areas.append(
            (C.AREA_S, C.AREA_NAMES[C.AREA_S], "boligomraade", "", bydel_of(si, sj), far, BIG, sbox)
        )
        af = new_af()
        g.areas.append((af, "Smedegaarden", "afdeling", "", C.AREA_S, far, BIG, sbox))
        _add_block_estate(
            g, rng, sbox, "almen", 16, af, C.AREA_S, C.day(1990, 1, 1), 1990, C.day(1990, 1, 1)
        )
        used.add((si, sj))
    # edge addresses: exactly on the x = q line (by_01|by_02 and sd_02|sd_03 shared edge)
    ex = g.x0 + q * C.CELL
    ej = 3 if side >= 8 else 1
    used.add((q, ej))
    used.add((q - 1, ej))
    e0 = len(g.acc_id)
    _add_houses(g, rng, _cell_box(g, q, ej), 4, xs=[ex] * 4)
    g.edge_acc.extend(range(e0, len(g.acc_id)))
    # background: cells in a seeded random order; force houses into the boundary-change column
    free = [(i, j) for j in range(side) for i in range(side) if (i, j) not in used]
    order = rng.permutation(len(free))
    free = [free[k] for k in order]
    bc_cells = [c for c in free if c[0] == hq and c[1] < q]
    free = bc_cells[:2] + [c for c in free if c not in bc_cells[:2]]
    plan: list[tuple[str, int]] = []
    left = dict(background)
    n_house = left.pop("house", 0)
    # two houses cells first (boundary-change column)
    while n_house > 0:
        plan.append(("house", min(49, n_house)))
        n_house -= 49
    blocks: list[tuple[str, int]] = []
    for kind in ["almen", "andel", "privat", "offentlig", "ejerlejl"]:
        n = left.get(kind, 0)
        while n > 0:
            size = min(160, n)
            blocks.append((kind, size))
            n -= size
    plan = plan[:2] + blocks + plan[2:]
    if len(plan) > len(free):
        raise ValueError(f"{len(plan)} estates do not fit in {len(free)} cells; raise side")
    first_almen = True
    for (kind, n), (i, j) in zip(plan, free, strict=False):
        box = _cell_box(g, i, j)
        if kind == "house":
            _add_houses(g, rng, box, n)
        elif kind == "almen":
            bo_n[0] += 1
            bo = g.aid(f"bo_{bo_n[0]:03d}")
            af = new_af()
            g.areas.append(
                (bo, f"Boligomraade {bo_n[0]}", "boligomraade", "", bydel_of(i, j), far, BIG, box)
            )
            g.areas.append(
                (af, f"Boligomraade {bo_n[0]} afd. 1", "afdeling", "", bo, far, BIG, box)
            )
            _add_block_estate(
                g, rng, box, "almen", n, af, bo, C.day(1975, 1, 1), 1975, C.day(1975, 1, 1)
            )
            if first_almen:
                g.conversion_af = af
                first_almen = False
        else:
            _add_block_estate(
                g,
                rng,
                box,
                kind,
                n,
                "",
                "",
                C.day(1980, 1, 1),
                1935 + (i * j) % 60,
                C.day(1980, 1, 1),
            )
    # conversion: mark dwellings of the converted afdeling
    for d, af in enumerate(g.dw_af):
        if af == g.conversion_af:
            g.dw_converted[d] = True
    # a few addresses without any dwelling unit (commercial) and leisure units
    last = free[len(plan)] if len(plan) < len(free) else free[-1]
    box = _cell_box(g, *last)
    x1, y1, _, _ = box
    street = _street(g)
    for a in range(3):
        acc = len(g.acc_id)
        g.acc_id.append(_uuid(rng))
        g.acc_x.append(round(x1 + 200.0 + 0.11 * a, 2))
        g.acc_y.append(round(y1 + 40.0 + 50.0 * a + 0.07, 2))
        g.acc_street.append(street)
        g.acc_number.append(100 + a)
        g.acc_building.append(_uuid(rng))
        g.adr_id.append(_uuid(rng))
        g.adr_acc.append(acc)
        g.adr_floor.append("")
        g.adr_door.append("")
        g.adr_from.append(C.day(1990, 1, 1))
        g.adr_to.append(BIG)
        g.nodwelling_adr.append(len(g.adr_id) - 1)
    _add_houses(
        g,
        rng,
        (x1, y1 + 150.0, x1 + 180.0, y1 + 240.0),
        3,
        kind="leisure",
        xs=[x1 + 20.0, x1 + 60.0, x1 + 100.0],
    )
    if nonresidential_addresses:
        base = rng.integers(0, len(g.acc_id), size=nonresidential_addresses)
        for k, a in enumerate(base.tolist()):
            acc = len(g.acc_id)
            g.acc_id.append(_uuid(rng))
            g.acc_x.append(round(g.acc_x[a] + 3.0, 2))
            g.acc_y.append(g.acc_y[a])
            g.acc_street.append(g.acc_street[a])
            g.acc_number.append(500 + k % 499)
            g.acc_building.append(_uuid(rng))
            g.adr_id.append(_uuid(rng))
            g.adr_acc.append(acc)
            g.adr_floor.append("")
            g.adr_door.append(f"e{k // 499}")
            g.adr_from.append(C.day(1995, 1, 1))
            g.adr_to.append(BIG)
    # streets: postcode by bydel of the first access address
    post = {}
    for a, s in enumerate(g.acc_street):
        if s not in post:
            i = int((g.acc_x[a] - g.x0) // C.CELL)
            j = int((g.acc_y[a] - g.y0) // C.CELL)
            post[s] = f"{2990 + (1 if i >= q else 0) + (2 if j >= q else 0) + 1}"
    g.streets = [(code, name, post.get(k, "2991")) for k, (code, name, _) in enumerate(g.streets)]
    # demolition: dwellings and addresses of the demolished afdeling end on DEMOLITION_END
    if planted:
        for d in range(len(g.dw_adr)):
            if g.dw_frozen[d]:
                g.dw_to[d] = C.DEMOLITION_END
                g.adr_to[g.dw_adr[d]] = C.DEMOLITION_END
    return g


def kvhx(g: Geo, adr: int) -> str:
    """CPR-style 19-character address key: kommune 4, vej 4, husnr 4, etage 3, dør 4."""
    acc = g.adr_acc[adr]
    code = g.streets[g.acc_street[acc]][0]
    return (
        f"{g.muni_code}{code:04d}{g.acc_number[acc]:03d} {g.adr_floor[adr]:<3}{g.adr_door[adr]:<4}"
    )


def area_of_point_levels(g: Geo, x: float, y: float, on: int) -> dict[str, str]:
    """Area per level for a point on day `on`, by the planted geometry (construction rule).

    Points on a shared edge go to the smallest area_id (the tie rule the truth uses).
    """
    out: dict[str, str] = {}
    for aid, _n, level, _o, _p, vf, vt, (x1, y1, x2, y2) in sorted(g.areas, key=lambda r: r[0]):
        if level in out or not (vf <= on < vt):
            continue
        if x1 <= x <= x2 and y1 <= y <= y2:
            out[level] = aid
    return out
