"""Word lists for the synthetic landscape of :mod:`graph.generate`: plausible German names of
places, people, bodies and programmes. Everything here is invented except the names of the
Länder (the official ones, keyed by the Länderschlüssel of the AGS).
"""
from __future__ import annotations

import random

LAENDER = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg", "09": "Bayern", "10": "Saarland", "11": "Berlin",
    "12": "Brandenburg", "13": "Mecklenburg-Vorpommern", "14": "Sachsen",
    "15": "Sachsen-Anhalt", "16": "Thüringen",
}
#: How the Land is written after "des Landes …" or as the owner of a ministry.
CITY_STATES = {"02", "04", "11"}

PLACE_PREFIXES = ["Alt", "Neu", "Groß", "Klein", "Ober", "Unter", "Nieder", "Hohen", "Wester",
                  "Oster", "Nord", "Süd", "Mittel", "Hinter", "Vorder"]
PLACE_STEMS = ["Schön", "Rot", "Lichten", "Wald", "Mühl", "Eichen", "Linden", "Hasel", "Rosen",
               "Bären", "Fichten", "Falken", "Stein", "Buch", "Birken", "Erlen", "Hirsch",
               "Kirch", "Weiß", "Grün", "Sonnen", "Wolfs", "Adler", "Marien", "Fried",
               "Ludwigs", "Königs", "Kaisers", "Herren", "Frauen", "Bischofs", "Mönchs",
               "Haus", "Brück", "Löwen", "Höch", "Tann", "Wiesen", "Rauen", "Kreuz", "Ahl",
               "Dörn", "Möhr", "Güst", "Lüb", "Bröt", "Hütten", "Kalten", "Warm", "Breiten",
               "Langen", "Hoch", "Tief", "Wester", "Sand", "Moor", "Heide", "Ruh", "Elm"]
PLACE_SUFFIXES = ["dorf", "hausen", "heim", "feld", "bach", "burg", "berg", "stadt", "ingen",
                  "au", "rode", "hagen", "weiler", "kirchen", "brück", "hofen", "born",
                  "stedt", "leben", "beck", "see", "wald", "furt", "tal", "ow", "itz", "in",
                  "werder", "büttel", "siek"]
RIVERS = ["an der Elbe", "an der Oder", "am Main", "an der Donau", "am Rhein", "an der Weser",
          "an der Saale", "an der Mosel", "an der Lahn", "an der Ilm", "am Neckar",
          "an der Havel", "an der Spree", "an der Fulda", "an der Werra", "am Inn",
          "an der Ems", "an der Ruhr", "an der Lippe", "an der Aller", "an der Mulde",
          "im Allgäu", "am Harz", "im Odenwald", "in der Eifel", "im Spreewald"]

FIRST_NAMES = ["Anna", "Jörg", "Sören", "Björn", "Jürgen", "Käthe", "Günther", "Bärbel",
               "Ulrike", "Matthias", "Sabine", "Stefan", "Claudia", "Andreas", "Martina",
               "Thomas", "Petra", "Michael", "Susanne", "Frank", "Katrin", "Christian",
               "Nicole", "Markus", "Julia", "Tobias", "Lena", "Jan", "Sarah", "Felix",
               "Hannah", "Lukas", "Miriam", "Özlem", "Ayşe", "Mehmet", "Dragana", "Piotr",
               "Hans-Peter", "Eva-Maria", "Karl-Heinz", "Anne-Kathrin", "Jens", "Silke",
               "Maik", "Doreen", "Ronny", "Anja", "Heike", "Uwe", "Dörte", "Gesine"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
              "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
              "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
              "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause",
              "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann",
              "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang",
              "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Günther",
              "Keller", "Roth", "Frank", "Berger", "Winkler", "Lorenz", "Baumann", "Jäger",
              "Groß-Böhm", "von der Heide", "Öztürk", "Yılmaz", "Nowak", "Kowalski"]
TITLES = ["", "", "", "", "Dr. ", "Prof. Dr. "]
JOB_TITLES = ["Referatsleiterin Digitalisierung", "Referatsleiter Verwaltungsmodernisierung",
              "Chief Digital Officer", "Digitalisierungsbeauftragte", "Bürgermeister",
              "Oberbürgermeisterin", "Landrat", "Landrätin", "Amtsleiter IT",
              "Projektleiterin Smart City", "Geschäftsführer", "Geschäftsführerin",
              "Staatssekretärin", "Abteilungsleiter Digitales", "Referentin OZG-Umsetzung",
              "Wissenschaftlicher Mitarbeiter", "Beigeordnete für Digitales",
              "Hauptamtsleiterin", "Koordinator Breitbandausbau", "Open-Data-Beauftragter"]

PORTFOLIOS = ["Digitalisierung und Innovation", "Inneres und Kommunales", "Wirtschaft, Arbeit "
              "und Digitales", "Finanzen", "Bildung und Kultur", "Umwelt, Klima und Energie",
              "Verkehr und Infrastruktur", "Wissenschaft und Forschung", "Soziales und "
              "Gesundheit", "Ländliche Räume und Landwirtschaft"]
FEDERAL = [("Bundesministerium des Innern und für Heimat", "BMI"),
           ("Bundesministerium der Finanzen", "BMF"),
           ("Bundesministerium für Bildung und Forschung", "BMBF"),
           ("Bundesministerium für Digitales und Verkehr", "BMDV"),
           ("Bundesministerium für Ernährung und Landwirtschaft", "BMEL"),
           ("Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen", "BMWSB"),
           ("Bundesministerium für Umwelt, Naturschutz und nukleare Sicherheit", "BMUV"),
           ("Bundesministerium für Arbeit und Soziales", "BMAS"),
           ("Bundesministerium für Gesundheit", "BMG"),
           ("Bundesministerium für Familie, Senioren, Frauen und Jugend", "BMFSFJ")]
THEMES = ["Smart City", "Digitale Dörfer", "OZG-Umsetzung", "Open Data", "Breitband",
          "Digitale Bildung", "E-Government", "Künstliche Intelligenz in der Verwaltung",
          "Digitale Gesundheitsregion", "Mobilität 4.0", "Bürgerservice online",
          "Digitales Ehrenamt", "Cybersicherheit für Kommunen", "Geodaten", "E-Akte",
          "Glasfaser im ländlichen Raum", "Digitale Nahversorgung", "Smarte Region",
          "Offene Verwaltungsdaten", "Digitale Teilhabe", "Datenkompetenz", "Coworking Land"]
PROGRAMME_KINDS = ["Förderprogramm", "Förderrichtlinie", "Modellvorhaben", "Sonderprogramm",
                   "Landesprogramm", "Bundesprogramm", "Förderaufruf"]
COMPETITION_KINDS = ["Wettbewerb", "Ideenwettbewerb", "Innovationspreis", "Landeswettbewerb",
                     "Bundeswettbewerb"]
NETWORK_KINDS = ["Netzwerk Digitale Kommunen", "CDO-Netzwerk", "Städtenetz", "Forum Digitale "
                 "Verwaltung", "Arbeitskreis E-Government", "Smart-Region-Verbund"]
AGENCY_KINDS = ["Digitalagentur", "Digitalisierungszentrum", "DigitalHub", "Kompetenzzentrum "
                "Digitale Verwaltung", "Innovationslabor"]
ASSOCIATION_KINDS = ["Landkreistag", "Städtetag", "Städte- und Gemeindebund"]
EVENT_KINDS = ["Digitalgipfel", "Kommunalkongress", "Fachtag Digitale Verwaltung",
               "Netzwerktreffen", "Werkstattgespräch", "Zukunftskonferenz"]


def place_name(rng: random.Random) -> str:
    """A plausible Gemeinde name: Schönhausen, Bad Lichtenau, Neu-Wolfsberg an der Elbe."""
    stem = rng.choice(PLACE_STEMS)
    suffix = rng.choice(PLACE_SUFFIXES)
    name = stem + suffix if not stem.endswith(suffix[:1]) else stem + "e" + suffix
    roll = rng.random()
    if roll < 0.12:
        name = f"{rng.choice(PLACE_PREFIXES)}-{name}" if rng.random() < 0.4 else \
            f"{rng.choice(PLACE_PREFIXES)}{name.lower()}"
    elif roll < 0.2:
        name = f"Bad {name}"
    elif roll < 0.28:
        name = f"{name} {rng.choice(RIVERS)}"
    elif roll < 0.33:
        name = f"{name}-{rng.choice(PLACE_STEMS)}{rng.choice(PLACE_SUFFIXES)}"
    return name


def person_name(rng: random.Random) -> tuple[str, str, str]:
    """(label with title, first name, last name)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{rng.choice(TITLES)}{first} {last}", first, last


def of_land(code: str) -> str:
    """"des Landes Hessen", or for a city state "der Freien und Hansestadt Hamburg"."""
    name = LAENDER[code]
    if code == "02":
        return "der Freien und Hansestadt Hamburg"
    if code == "04":
        return "der Freien Hansestadt Bremen"
    if code == "11":
        return "des Landes Berlin"
    return f"des Landes {name}"
