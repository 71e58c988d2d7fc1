"""Lines that are page furniture, not article text, in the languages our sources write in.

trafilatura removes most furniture by its markup (menus, footers, share bars, comment threads). What
it keeps is furniture that reads like text: a consent notice in an overlay, an "Advertisement" label,
a "Read also: <headline of another story>" line inside the body, a "Was this page useful?" widget on
government pages, a copyright line. Those are recognised here by their words, one line (block) at a time, and only when
the whole line is of that kind, so that a sentence of the article which mentions advertising, partners
or privacy stays.
"""

from __future__ import annotations

import re

# "Advertisement", alone or with a short tail ("Advertisement · Scroll to continue").
_AD_LABEL = re.compile(
    r"^(advertisement|advertising|sponsored content|anzeige|werbung|publicité|publicite|publicidad|"
    r"pubblicità|reklama|реклама|annons|advertentie|mainos|reklame)\b.{0,40}$",
    re.I,
)
# "Read also: …" and its kin, which introduce a link to another story. These labels never begin a
# sentence of an article …
_READ_ALSO = re.compile(
    r"^(read (also|more|next)|see also|also read|lesen sie (auch|mehr)|mehr zum thema|auch interessant|"
    r"lire (aussi|également)|[àa] lire aussi|voir aussi|czytaj (także|też|również|więcej)|"
    r"zobacz (także|też|również)|читайте (також|ще|также)|дивіться також|читати також|lee (también|más)|"
    r"leer más|ver también|leggi anche|lees (ook|meer)|läs (också|mer)|se även)\b",
    re.I,
)
# … these may ("Related talks will resume…"), so they count only as a label: alone, or before a colon.
_RELATED_LABEL = re.compile(
    r"^(related( stories| articles| news| content)?|more on this( story| topic)?)\b", re.I
)
_INTRODUCER = re.compile(r"^\s*[:\-–—|»›]")
_FEEDBACK = re.compile(
    r"(is this page (useful|helpful)|was this (page|article|information) (useful|helpful)|"
    r"report a problem with this page|czy ta strona była pomocna|war diese seite hilfreich|"
    r"cette page vous a-t-elle été utile|le ha resultado útil|questa pagina ti è stata utile|"
    r"was deze pagina nuttig|var sidan till hjälp|чи була ця сторінка корисною)",
    re.I,
)
# Consent notices: one word that only they use ("cookies", "personal data", "your consent", "GDPR"),
# with another of their words or in a short line.
_CONSENT_STRONG = re.compile(
    r"(cookie|kakor|ciasteczk|куки|\bgdpr\b|\bdsgvo\b|\brgpd\b|\brodo\b|personal data|"
    r"personenbezogene(n)? daten|données personnelles|datos personales|dati personali|danych osobowych|"
    r"персональних даних|persoonsgegevens|personuppgifter|your consent|ihre einwilligung|"
    r"votre consentement|su consentimiento|tuo consenso|uw toestemming|ditt samtycke|twoją zgodę|вашу згоду)",
    re.I,
)
_CONSENT_WEAK = re.compile(
    r"(partners|partenaires|socios|partnerów|партнер|privacy|datenschutz|confidentialité|privacidad|"
    r"prywatności|конфіденційн|integritet|personalis|personaliz|personnalis|accept|akzeptier|accepter|"
    r"aceptar|accetta|akceptuj|advertis|werbung|publicité|publicidad|reklam|audience|device|geolocation|"
    r"preferences|einstellungen|paramètres|ustawienia|налаштування)",
    re.I,
)
_COPYRIGHT = re.compile(
    r"(^\s*(©|\(c\)|copyright)|all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|tutti i diritti riservati|wszelkie prawa zastrzeżone|"
    r"усі права (захищено|застережено)|всі права захищено|alle rechten voorbehouden|"
    r"alla rättigheter förbehållna)",
    re.I,
)
CONSENT_NOTICE_MAX_CHARS = 1200  # longer than any consent paragraph; an article paragraph past it stays


def is_ad_label(line: str) -> bool:
    return len(line) <= 60 and _AD_LABEL.match(line) is not None


def is_read_also(line: str) -> bool:
    """A line that introduces another story ("Lire aussi : …"), not a sentence of this one."""
    if len(line) > 220:
        return False
    if _READ_ALSO.match(line):
        return True
    match = _RELATED_LABEL.match(line)
    return match is not None and (
        not line[match.end() :].strip() or _INTRODUCER.match(line[match.end() :]) is not None
    )


def is_copyright_line(line: str) -> bool:
    return len(line) <= 250 and _COPYRIGHT.search(line) is not None


def is_feedback_widget(line: str) -> bool:
    return len(line) <= 120 and _FEEDBACK.search(line) is not None


# Plain substrings that every strong consent word contains, tested first: a regular expression with
# thirty alternatives costs ~20 µs on a long paragraph, these tests a tenth of that, and almost no
# paragraph of an article passes them.
_CONSENT_HINTS = ("cooki", "kakor", "ciastecz", "куки", "gdpr", "dsgvo", "rgpd", "rodo", "personal", "personen",
                  "personnel", "dati person", "danych", "персональн", "persoonsgeg", "personupp", "consent",
                  "einwilligung", "consentim", "consenso", "toestemming", "samtycke", "zgod", "згод")  # fmt: skip


def is_consent_notice(line: str) -> bool:
    if len(line) > CONSENT_NOTICE_MAX_CHARS:
        return False
    lowered = line.lower()
    if not any(hint in lowered for hint in _CONSENT_HINTS):
        return False
    strong = len({m.group(1).lower()[:6] for m in _CONSENT_STRONG.finditer(line)})
    if not strong:
        return False
    return strong >= 2 or len(line) <= 200 or _CONSENT_WEAK.search(line) is not None


def is_furniture(line: str) -> bool:
    """Any of the above: a line to leave out of the article text."""
    return (
        is_ad_label(line)
        or is_read_also(line)
        or is_feedback_widget(line)
        or is_copyright_line(line)
        or is_consent_notice(line)
    )
