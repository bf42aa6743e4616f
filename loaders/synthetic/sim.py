"""Event-driven population simulation: households occupy dwellings, move, are born and die.

Households ("groups") move as a unit. A spell is one group in one dwelling. Internal movers wait
for a vacancy; vacancies not taken by an internal mover are let to households from outside.
Origins are not decided here (see plant.py): the simulation never looks at them.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

from . import config as C
from .geo import BIG, Geo

HH_TYPES = ["single", "young", "couple", "family", "single_parent", "eld_single", "eld_couple"]
HH_MIX = {
    "almen": [0.30, 0.10, 0.10, 0.17, 0.15, 0.13, 0.05],
    "andel": [0.30, 0.12, 0.18, 0.16, 0.05, 0.12, 0.07],
    "ejer": [0.14, 0.03, 0.25, 0.37, 0.05, 0.06, 0.10],
    "privat_udlejning": [0.32, 0.25, 0.15, 0.12, 0.08, 0.05, 0.03],
    "offentlig": [0.35, 0.15, 0.10, 0.10, 0.10, 0.15, 0.05],
    "ukendt": [0.32, 0.25, 0.15, 0.12, 0.08, 0.05, 0.03],
}
YEAR = 365.25
HH_CUM = {k: np.cumsum(v)[:-1] / sum(v) for k, v in HH_MIX.items()}
GA, GB = 3e-5, 0.1  # Gompertz hazard GA * exp(GB * age) per year


@dataclass
class Pop:
    """Persons, groups and residence intervals as growing Python lists."""

    # persons
    birth: list[int] = field(default_factory=list)
    sex: list[int] = field(default_factory=list)  # 0 = M, 1 = K
    death: list[int] = field(default_factory=list)
    group: list[int] = field(default_factory=list)
    mother: list[int] = field(default_factory=list)
    father: list[int] = field(default_factory=list)
    born_here: list[bool] = field(default_factory=list)
    role: list[int] = field(default_factory=list)  # 0 adult, 1 child of the group's adults
    special: list[int] = field(default_factory=list)  # 0 normal, 3 status-03 person
    # groups
    g_members: list[list[int]] = field(default_factory=list)
    g_mother: list[int] = field(default_factory=list)
    g_father: list[int] = field(default_factory=list)
    g_births: list[list[int]] = field(default_factory=list)
    g_arrival: list[int] = field(default_factory=list)
    g_kind: list[str] = field(default_factory=list)  # initial / external / lodger / special
    g_dw: list[int] = field(default_factory=list)
    g_start: list[int] = field(default_factory=list)
    g_spell: list[int] = field(default_factory=list)
    g_exit: list[int] = field(default_factory=list)  # day the group left the municipality
    g_protected: list[bool] = field(default_factory=list)
    g_first_tenure: list[str] = field(default_factory=list)
    # residence intervals
    r_pid: list[int] = field(default_factory=list)
    r_dw: list[int] = field(default_factory=list)  # dwelling index (-1: address without unit)
    r_adr: list[int] = field(default_factory=list)  # address index (-1: not in DAR)
    r_start: list[int] = field(default_factory=list)
    r_end: list[int] = field(default_factory=list)  # BIG = current
    r_from: list[str] = field(default_factory=list)  # "", "ext", "abroad?" decided later
    r_to: list[str] = field(default_factory=list)  # "", "ext", "death"


class Sim:
    """State of one municipality's simulation (state is real here: an event loop)."""

    def __init__(self, geo: Geo, rng: np.random.Generator) -> None:
        self.g = geo
        self.rng = rng
        self.p = Pop()
        n = len(geo.dw_adr)
        self.dw_group = np.full(n, -1, dtype=np.int64)
        self.dw_token = np.zeros(n, dtype=np.int64)
        self.events: list[tuple[int, int, str, int, int]] = []
        self.seq = 0
        self.pool: list[int] = []
        self.pool_pos: dict[int, int] = {}
        self.rpool: list[int] = []  # new-built dwellings of the receiving area
        self.waiting: list[tuple[int, int]] = []  # (group, ready day)
        self.waiting_set: set[int] = set()
        self.dw_tenure = np.array(geo.dw_tenure)
        self.dw_lettable = np.array([c[0] not in ("510", "540") for c in geo.dw_codes], dtype=bool)
        self.dw_r_new = np.array([af == geo.new_af and af != "" for af in geo.dw_af], dtype=bool)
        self.dw_frozen = np.array(geo.dw_frozen, dtype=bool)
        self.relocating: set[int] = set()

    # -- events ---------------------------------------------------------------------------
    def push(self, t: int, kind: str, a: int, b: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, self.seq, kind, a, b))

    # -- persons and groups ---------------------------------------------------------------
    def new_person(self, birth: int, sex: int, grp: int, role: int, now: int) -> int:
        pid = len(self.p.birth)
        self.p.birth.append(birth)
        self.p.sex.append(sex)
        age = max(now - birth, 0) / YEAR
        e = self.rng.exponential(1.0)
        death_age = math.log(e * GB / GA + math.exp(GB * age)) / GB
        d = int(now + (death_age - age) * YEAR) + 1
        self.p.death.append(int(max(d, now + 1)))
        self.p.group.append(grp)
        self.p.mother.append(-1)
        self.p.father.append(-1)
        self.p.born_here.append(False)
        self.p.role.append(role)
        self.p.special.append(0)
        return pid

    def new_group(self, tenure: str, now: int, kind: str, hh: str | None = None) -> int:
        rng = self.rng
        gid = len(self.p.g_members)
        if hh is None:
            hh = HH_TYPES[int(np.searchsorted(HH_CUM[tenure], rng.random(), side="right"))]
        ages: list[tuple[float, int, int]] = []  # (age years, sex, role)
        if hh == "single":
            ages.append((rng.uniform(25, 65), int(rng.integers(2)), 0))
        elif hh == "young":
            ages.append((rng.uniform(18, 30), int(rng.integers(2)), 0))
        elif hh in ("couple", "family", "eld_couple"):
            lo, hi = (25, 65) if hh == "couple" else ((25, 46) if hh == "family" else (65, 90))
            w = rng.uniform(lo, hi)
            ages.append((min(w + rng.normal(2, 3), 99), 0, 0))
            ages.append((w, 1, 0))
        elif hh == "single_parent":
            ages.append((rng.uniform(22, 50), 1 if rng.random() < 0.85 else 0, 0))
        elif hh == "eld_single":
            ages.append((65 + rng.triangular(0, 0, 30), int(rng.integers(2)), 0))
        if hh in ("family", "single_parent"):
            par = ages[-1][0]
            for _ in range(int(rng.choice([1, 2, 3], p=[0.5, 0.38, 0.12]))):
                ages.append(
                    (rng.uniform(0, min(17.9, max(par - 20, 0.5))), int(rng.integers(2)), 1)
                )
        members: list[int] = []
        for age, sex, role in ages:
            birth = int(now - age * YEAR)
            members.append(self.new_person(birth, sex, gid, role, now))
        adults = [m for m in members if self.p.role[m] == 0]
        mother = next((m for m in adults if self.p.sex[m] == 1), -1)
        father = next((m for m in adults if self.p.sex[m] == 0), -1)
        for m in members:
            if self.p.role[m] == 1:
                self.p.mother[m] = mother
                self.p.father[m] = father
        births: list[int] = []
        if mother >= 0 and hh in ("couple", "family", "young", "single_parent"):
            lo = max(now, self.p.birth[mother] + int(20 * YEAR))
            hi = min(C.HIST_END, self.p.birth[mother] + int(44 * YEAR))
            if hi > lo:
                k = rng.poisson(0.06 * (hi - lo) / YEAR)
                births = sorted(int(x) for x in rng.integers(lo, hi, size=k))
                births = [b for i, b in enumerate(births) if i == 0 or b - births[i - 1] > 300]
        self.p.g_members.append(members)
        self.p.g_mother.append(mother)
        self.p.g_father.append(father)
        self.p.g_births.append(births)
        self.p.g_arrival.append(now)
        self.p.g_kind.append(kind)
        self.p.g_dw.append(-1)
        self.p.g_start.append(now)
        self.p.g_spell.append(0)
        self.p.g_exit.append(BIG)
        self.p.g_protected.append(bool(rng.random() < 0.007))
        self.p.g_first_tenure.append(tenure)
        return gid

    # -- spells -----------------------------------------------------------------------------
    def open_spell(self, gid: int, dw: int, t: int, from_code: str) -> None:
        p = self.p
        p.g_dw[gid] = dw
        p.g_start[gid] = t
        p.g_spell[gid] += 1
        self.dw_group[dw] = gid
        self.dw_token[dw] += 1
        self._from = getattr(self, "_from", {})
        self._from[gid] = from_code
        rate = C.MOVE_RATE[self.tenure_at(dw, t)]
        end = max(t, C.HIST_START) + int(self.rng.exponential(YEAR / rate)) + 1
        alive = [m for m in p.g_members[gid] if p.death[m] > t]
        last = max([p.death[m] for m in alive], default=t + 1)
        if p.g_mother[gid] in alive:
            last = max(last, min(p.death[p.g_mother[gid]], C.HIST_END) + 1)
        if last < end and last < C.HIST_END:
            self.push(last, "extinct", gid, p.g_spell[gid])
        elif end < C.HIST_END:
            self.push(end, "end", gid, p.g_spell[gid])

    def tenure_at(self, dw: int, t: int) -> str:
        if self.g.dw_converted[dw] and t >= C.CONVERSION_DAY:
            return "privat_udlejning"
        return str(self.dw_tenure[dw])

    def close_spell(self, gid: int, x: int, to_code: str) -> None:
        """Write the intervals of the group's current spell [start, x) and free the dwelling."""
        p = self.p
        s, dw = p.g_start[gid], p.g_dw[gid]
        from_code = self._from.pop(gid, "")
        # births during the spell
        mother = p.g_mother[gid]
        while p.g_births[gid] and p.g_births[gid][0] < x:
            b = p.g_births[gid].pop(0)
            if b < s or mother < 0 or p.death[mother] <= b or mother not in p.g_members[gid]:
                continue
            c = self.new_person(b, int(self.rng.integers(2)), gid, 1, b)
            p.mother[c] = mother
            f = p.g_father[gid]
            p.father[c] = f if f in p.g_members[gid] else -1
            p.born_here[c] = True
            p.g_members[gid].append(c)
            self._rec(c, dw, b, min(x, p.death[c]), "born", "death" if p.death[c] < x else to_code)
        for m in list(p.g_members[gid]):
            if p.birth[m] >= s and p.born_here[m] and p.birth[m] < x:
                continue  # recorded above
            st = max(s, p.birth[m])
            en = min(x, p.death[m])
            if en > st:
                self._rec(m, dw, st, en, from_code, "death" if p.death[m] < x else to_code)
        p.g_members[gid] = [m for m in p.g_members[gid] if p.death[m] >= x]
        if dw >= 0 and self.dw_group[dw] == gid:
            self.dw_group[dw] = -1
            self.vacate(dw, x)
        p.g_dw[gid] = -1

    def _rec(self, pid: int, dw: int, st: int, en: int, fr: str, to: str) -> None:
        p = self.p
        p.r_pid.append(pid)
        p.r_dw.append(dw)
        p.r_adr.append(self.g.dw_adr[dw])
        p.r_start.append(st)
        p.r_end.append(en if en < C.HIST_END else BIG)
        p.r_from.append(fr)
        p.r_to.append(to if en < C.HIST_END else "")

    def vacate(self, dw: int, t: int) -> None:
        if self.dw_frozen[dw] and t >= C.LETTING_STOP:
            return  # the demolition afdeling is not re-let
        if not self.dw_lettable[dw]:
            return
        gap = int(self.rng.exponential(20)) + 1
        self.push(t + gap, "avail", dw, int(self.dw_token[dw]))

    # -- main loop ------------------------------------------------------------------------
    def run(self) -> None:
        g, rng = self.g, self.rng
        start = C.HIST_START
        for dw in range(len(g.dw_adr)):
            if g.dw_from[dw] > start:
                self.push(g.dw_from[dw], "newbuild", dw)
                continue
            if g.dw_to[dw] <= start:
                continue
            ten = self.tenure_at(dw, start)
            occ = 0.97 if ten != "ukendt" else 0.5
            if g.dw_codes[dw][0] in ("510", "540"):
                occ = 0.67  # a few people registered in leisure units (not residents)
            if rng.random() < occ:
                gid = self.new_group(ten, start, "initial")
                # moved in some years before the history starts
                adult_min = max(
                    self.p.birth[m] for m in self.p.g_members[gid] if self.p.role[m] == 0
                )
                earliest = max(adult_min + int(18 * YEAR), start - int(25 * YEAR))
                moved = int(rng.integers(earliest, start)) if earliest < start else start - 1
                self.p.g_arrival[gid] = moved
                self.open_spell(gid, dw, moved, "")
                self.p.g_start[gid] = moved
            else:
                self.push(start + int(rng.integers(1, 60)), "avail", dw, int(self.dw_token[dw]))
        # demolition relocations
        self.push(C.LETTING_STOP, "letting_stop", 0)
        self.push(C.DEMOLITION_START, "demolition", 0)
        while self.events:
            t, _, kind, a, b = heapq.heappop(self.events)
            if t >= C.HIST_END:
                break
            self.step(t, kind, a, b)
        # close open spells at the end of the history
        for gid in range(len(self.p.g_members)):
            if self.p.g_dw[gid] >= 0:
                self.close_spell(gid, C.HIST_END, "")

    def step(self, t: int, kind: str, a: int, b: int) -> None:
        p, rng = self.p, self.rng
        if kind in ("end", "extinct"):
            gid = a
            if p.g_spell[gid] != b or p.g_dw[gid] < 0 or gid in self.waiting_set:
                return
            if kind == "extinct":
                self.close_spell(gid, t, "ext")
                p.g_exit[gid] = t
                return
            if rng.random() < C.INTERNAL_MOVE_SHARE:
                self.waiting.append((gid, t))
                self.waiting_set.add(gid)
                self.push(t + 120, "timeout", gid, p.g_spell[gid])
                self.match(t)
            else:
                self.close_spell(gid, t, "ext")
                p.g_exit[gid] = t
        elif kind == "timeout":
            gid = a
            if gid in self.waiting_set and p.g_spell[gid] == b:
                self.waiting_set.discard(gid)
                self.close_spell(gid, t, "ext")
                p.g_exit[gid] = t
        elif kind == "avail":
            dw = a
            if self.dw_group[dw] >= 0 or self.dw_token[dw] != b or self.g.dw_to[dw] <= t:
                return
            if dw in self.pool_pos or (self.dw_frozen[dw] and t >= C.LETTING_STOP):
                return
            self.pool_pos[dw] = len(self.pool)
            self.pool.append(dw)
            self.push(t + 25 + int(rng.integers(0, 40)), "fill", dw, int(self.dw_token[dw]))
            self.match(t)
        elif kind == "fill":
            dw = a
            if dw in self.pool_pos and self.dw_token[dw] == b and self.dw_group[dw] < 0:
                self.take(dw)
                gid = self.new_group(self.tenure_at(dw, t), t, "external")
                self.open_spell(gid, dw, t, "ext")
        elif kind == "newbuild":
            self.rpool.append(a) if self.dw_r_new[a] else self.push(t, "avail", a, 0)
        elif kind == "demolition":
            movers = sorted({int(gid) for gid in self.dw_group[self.dw_frozen] if gid >= 0})
            span = C.DEMOLITION_END - C.DEMOLITION_START - 1
            for gid in movers:
                self.push(t + int(rng.integers(0, span)), "relocate", gid, p.g_spell[gid])
            self.push(C.DEMOLITION_END, "release_rpool", 0)
        elif kind == "relocate":
            gid = a
            if p.g_spell[gid] != b or p.g_dw[gid] < 0:
                return
            self.waiting_set.discard(gid)
            u = rng.random()
            if u < C.DISPLACEMENT_TO_R and self.rpool:
                dw = self.rpool.pop(int(rng.integers(len(self.rpool))))
                self.move(gid, dw, t)
            elif u < 0.85 and self.pool:
                dw = self.pool[int(rng.integers(len(self.pool)))]
                self.take(dw)
                self.move(gid, dw, t)
            else:
                self.close_spell(gid, t, "ext")
                p.g_exit[gid] = t
        elif kind == "letting_stop":
            for dw in [d for d in self.pool if self.dw_frozen[d]]:
                self.take(dw)
        elif kind == "release_rpool":
            for dw in self.rpool:
                self.push(t, "avail", dw, int(self.dw_token[dw]))
            self.rpool = []

    def take(self, dw: int) -> None:
        i = self.pool_pos.pop(dw)
        last = self.pool.pop()
        if last != dw:
            self.pool[i] = last
            self.pool_pos[last] = i

    def move(self, gid: int, dw: int, t: int) -> None:
        self.close_spell(gid, t, "")
        if not self.p.g_members[gid]:
            return
        self.open_spell(gid, dw, t, "")

    def match(self, t: int) -> None:
        while self.pool and self.waiting:
            gid, _ready = self.waiting.pop(0)
            if gid not in self.waiting_set:
                continue
            self.waiting_set.discard(gid)
            if self.p.g_dw[gid] < 0:
                continue
            dw = self.pool[int(self.rng.integers(len(self.pool)))]
            self.take(dw)
            self.move(gid, dw, t)
