"""The kinds of synthetic entities :mod:`graph.generate` invents, and the facts between them.

Each step draws from one seeded random generator in a fixed order, so the same seed gives the
same landscape. Persons come last and fill the statement budget up to the size asked for.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from rdflib import XSD, Literal, URIRef
from rdflib.namespace import ORG

from . import generate_names as names
from .importing import AG, SCHEMA, slugify

TOPICS = ["OZG-Umsetzung", "Smart-City", "Open-Data", "Verwaltungsdigitalisierung",
          "Digitale-Bildung"]
TARGET_GROUPS = ["Kommunen", "KMU", "Buergerinnen-und-Buerger"]
STATUS = [AG.Active, AG.Active, AG.Ended, AG.Planned]
REGIONALSCHLUESSEL = ("Die ersten zwei Ziffern des Amtlichen Gemeindeschlüssels ({ags}) "
                      "sind der Länderschlüssel des amtlichen Regionalschlüssels.")


@dataclass
class Org:
    iri: URIRef
    label: str
    land: str | None  # Länderschlüssel, None for federal bodies
    domain: str  # for e-mail addresses


class Landscape:
    def __init__(self, writer, frame, rng: random.Random, size: int):
        self.w, self.frame, self.rng, self.size = writer, frame, rng, size
        self.ministries: list[Org] = []
        self.associations: list[Org] = []
        self.agencies: list[Org] = []
        self.networks: list[Org] = []
        self.gemeinden: list[Org] = []
        self.programmes: list[tuple[URIRef, str]] = []
        self.events: list[tuple[URIRef, str]] = []
        self.gemeinden_in: dict[str | None, list[Org]] = {}  # by Land; None: all of them

    def share(self, fraction: float, per_entity: int) -> int:
        return max(1, round(self.size * fraction / per_entity))

    def build(self) -> None:
        self.federal()
        for code in sorted(self.frame.laender):
            self.land(code)
        self.agencies_and_networks(self.share(0.04, 60))
        self.municipalities(min(10_800, self.share(0.30, 30)))
        self.programmes_with_beneficiaries(self.share(0.20, 110))
        self.competitions(self.share(0.04, 60))
        self.projects(self.share(0.05, 30))
        self.conferences(self.share(0.05, 150))
        self.persons_until_full()

    # -- organisations -----------------------------------------------------------------
    def _org(self, cls: str, label: str, land: str | None, *, alt: str | None = None) -> Org:
        iri = self.w.entity(cls, label, alt=alt)
        domain = slugify(alt or label)[:40].strip("-") + ".example.de"
        org = Org(iri, label, land, domain)
        self.w.fact(iri, SCHEMA.url, URIRef(f"https://www.{domain}/"),
                    f"Internet: www.{domain}")
        if land:
            self.w.fact(iri, AG.inState, self.frame.laender[land],
                        f"{label} ({names.LAENDER[land]})")
        return org

    def federal(self) -> None:
        for label, abbreviation in names.FEDERAL:
            self.ministries.append(self._org("FederalMinistry", label, None, alt=abbreviation))

    def land(self, code: str) -> None:
        rng, land = self.rng, names.LAENDER[code]
        for portfolio in rng.sample(names.PORTFOLIOS, 5):
            label = (f"Senatsverwaltung für {portfolio} {land}" if code in names.CITY_STATES
                     else f"Ministerium für {portfolio} {names.of_land(code)}")
            self.ministries.append(self._org("StateMinistry", label, code))
        if code in names.CITY_STATES:
            return
        for kind in names.ASSOCIATION_KINDS:
            association = self._org("Association", f"{kind} {land}", code)
            self.associations.append(association)
            members = [k for k in self.frame.kreise if k.land == code and
                       (k.kind == "District") == (kind == "Landkreistag")]
            for kreis in members:
                self.w.fact(kreis.iri, ORG.memberOf, association.iri,
                            f"Mitglieder des {kind}s {land}: … {kreis.label} …")

    def agencies_and_networks(self, count: int) -> None:
        rng = self.rng
        for number in range(count):
            code = rng.choice(sorted(self.frame.laender))
            place = rng.choice([k for k in self.frame.kreise if k.land == code])
            kind = rng.choice(names.AGENCY_KINDS)
            agency = self._org("DigitalAgency", f"{kind} {place.label}", code)
            self.agencies.append(agency)
            ministry = rng.choice([m for m in self.ministries if m.land in (code, None)])
            self.w.fact(ministry.iri, AG.commissions, agency.iri,
                        f"Die {agency.label} arbeitet im Auftrag des {ministry.label}.")
            if number % 2 == 0:
                network = self._org("Network", f"{rng.choice(names.NETWORK_KINDS)} "
                                    f"{place.label}", code)
                self.networks.append(network)
                self.w.fact(agency.iri, AG.runs, network.iri,
                            f"Die {agency.label} koordiniert das {network.label}.")

    def municipalities(self, count: int) -> None:
        rng = self.rng
        self.networks_in: dict[str, list[Org]] = {}
        for network in self.networks:
            self.networks_in.setdefault(network.land, []).append(network)
        districts = [k for k in self.frame.kreise if k.kind == "District"]
        weights = [rng.random() + 0.5 for _ in districts]
        chosen = rng.choices(range(len(districts)), weights=weights, k=count)
        per_district = {i: chosen.count(i) for i in set(chosen)}
        for index in sorted(per_district):
            kreis = districts[index]
            numbers = sorted(rng.sample(range(1, 1000), min(999, per_district[index])))
            for number in numbers:
                self._gemeinde(kreis, f"{kreis.ags}{number:03d}")

    def _gemeinde(self, kreis, ags: str) -> None:
        rng, w = self.rng, self.w
        label = names.place_name(rng)
        if slugify(label) in w.slugs:  # a second Schönhausen is named by its AGS
            iri = URIRef(w.base + f"{slugify(label)}-{ags}")
            w.slugs.add(str(iri)[len(w.base):])
            iri = w.entity("Municipality", label, iri=iri)
        else:
            iri = w.entity("Municipality", label)
        w.fact(iri, AG.ags, Literal(ags), f"{label}, Amtlicher Gemeindeschlüssel {ags}")
        w.fact(iri, AG.partOf, kreis.iri, f"{label} ({kreis.label})")
        w.fact(iri, AG.inState, self.frame.laender[kreis.land], f"{label}, AGS {ags}",
               reason=REGIONALSCHLUESSEL.format(ags=ags))
        domain = slugify(label) + ".example.de"
        gemeinde = Org(iri, label, kreis.land, domain)
        self.gemeinden.append(gemeinde)
        self.gemeinden_in.setdefault(kreis.land, []).append(gemeinde)
        networks = self.networks_in.get(kreis.land, [])
        if networks and rng.random() < 0.4:
            network = rng.choice(networks)
            w.fact(iri, ORG.memberOf, network.iri,
                   f"Dem {network.label} gehört auch {label} an.")

    # -- programmes --------------------------------------------------------------------
    def _programme(self, cls: str, kinds: list, funder: Org, year: int) -> tuple[URIRef, str]:
        rng, w = self.rng, self.w
        where = names.LAENDER[funder.land] if funder.land else "Bund"
        label = f"{rng.choice(kinds)} {rng.choice(names.THEMES)} {where} {year}"
        iri = w.entity(cls, label)
        w.fact(funder.iri, AG.funds, iri, f"Das {funder.label} fördert „{label}“.")
        w.fact(iri, SCHEMA.startDate, Literal(str(year), datatype=XSD.gYear),
               f"„{label}“ startete {year}.")
        return iri, label

    def _beneficiaries(self, programme: URIRef, label: str, funder: Org, count: int,
                       verb: str) -> None:
        pool = self.gemeinden_in.get(funder.land) or self.gemeinden
        for winner in self.rng.sample(pool, min(count, len(pool))):
            self.w.fact(programme, AG.beneficiary, winner.iri,
                        f"{winner.label} wurde im Rahmen von „{label}“ {verb}.")

    def programmes_with_beneficiaries(self, count: int) -> None:
        rng, w = self.rng, self.w
        for _ in range(count):
            funder = rng.choice(self.ministries)
            year = rng.randint(2015, 2025)
            iri, label = self._programme("FundingProgramme", names.PROGRAMME_KINDS, funder, year)
            self.programmes.append((iri, label))
            runners = [a for a in self.agencies if a.land in (funder.land, None)] or self.agencies
            runner = rng.choice(runners)
            w.fact(runner.iri, AG.runs, iri, f"Die {runner.label} betreut das Programm.")
            w.fact(iri, AG.targetGroup, AG[rng.choice(TARGET_GROUPS)],
                   "Antragsberechtigt sind Kommunen, Unternehmen und Vereine.")
            w.fact(iri, AG.topic, AG[rng.choice(TOPICS)], f"Schwerpunkt: {label}")
            w.fact(iri, SCHEMA.endDate, Literal(str(year + rng.randint(1, 5)),
                                                datatype=XSD.gYear), "Laufzeit bis …")
            w.fact(iri, AG.status, rng.choice(STATUS), "Stand der Umsetzung laut Bericht.")
            self._beneficiaries(iri, label, funder, rng.randint(3, 12), "gefördert")

    def competitions(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            funder = rng.choice(self.ministries)
            year = rng.randint(2015, 2025)
            iri, label = self._programme("Competition", names.COMPETITION_KINDS, funder, year)
            self._beneficiaries(iri, label, funder, rng.randint(2, 5), "ausgezeichnet")

    def projects(self, count: int) -> None:
        rng, w = self.rng, self.w
        for _ in range(count):
            owner = rng.choice(self.gemeinden)
            theme = rng.choice(names.THEMES)
            label = f"Modellprojekt {theme} {owner.label}"
            iri = w.entity("Project", label)
            w.fact(owner.iri, AG.runs, iri, f"{owner.label} setzt das {label} um.")
            programme, _ = rng.choice(self.programmes)
            w.fact(iri, AG.partOf, programme, f"Das {label} ist Teil des Programms.")

    def conferences(self, count: int) -> None:
        rng, w = self.rng, self.w
        hosts = self.associations + self.agencies
        for _ in range(count):
            host = rng.choice(hosts)
            year = rng.randint(2016, 2025)
            label = f"{rng.choice(names.EVENT_KINDS)} {host.label} {year}"
            iri = w.entity("Event", label)
            self.events.append((iri, label))
            w.fact(host.iri, AG.runs, iri, f"{host.label} lädt ein: {label}.")
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            w.fact(iri, SCHEMA.startDate, Literal(day, datatype=XSD.date), f"am {day}")
            guests = rng.sample(self.gemeinden, min(len(self.gemeinden), rng.randint(5, 25)))
            w.fact(iri, AG.participantCount, Literal(len(guests) * 3),
                   f"Rund {len(guests) * 3} Teilnehmende kamen.")
            for guest in guests:
                w.fact(iri, AG.participant, guest.iri, f"Dabei war auch {guest.label}.")

    # -- persons fill the rest ---------------------------------------------------------
    def persons_until_full(self) -> None:
        rng, w = self.rng, self.w
        employers = self.ministries + self.associations + self.agencies + self.gemeinden
        while w.statements < self.size:
            label, first, last = names.person_name(rng)
            person = w.entity("Person", label)
            employer = rng.choice(employers)
            title = rng.choice(names.JOB_TITLES)
            w.fact(person, SCHEMA.jobTitle, Literal(title, lang="de"),
                   f"{label}, {title}, {employer.label}")
            w.fact(person, ORG.memberOf, employer.iri, f"{label} ({employer.label})")
            local = f"{slugify(first)}.{slugify(last)}".replace("-", ".")
            w.fact(person, SCHEMA.email, Literal(f"{local}@{employer.domain}"),
                   f"E-Mail: {local}@{employer.domain}")
            phone = f"+49 {rng.randint(30, 9999)} {rng.randint(10000, 999999)}"
            w.fact(person, SCHEMA.telephone, Literal(phone), f"Telefon: {phone}")
            if rng.random() < 0.1:
                w.fact(person, ORG.headOf, employer.iri,
                       f"{label} leitet {employer.label}.")
            if self.events and rng.random() < 0.2:
                event, event_label = rng.choice(self.events)
                w.fact(person, AG.spokeAt, event, f"Grußwort: {label} ({event_label})")
