#!/usr/bin/env python3
"""Deterministic generator of WSIS Stocktaking CSV fixtures for stocktake.

Usage
-----
    python3 Fixtures/generate.py projects --rows N [--seed S] [--style messy|canonical|realistic] [--out FILE|-]
    python3 Fixtures/generate.py prizes   --rows N --projects P [--seed S] [--style messy|canonical] [--out FILE|-]

Defaults: --seed 2025, --style messy, --out - (standard output).

Examples (the committed samples):
    python3 Fixtures/generate.py projects --rows 1200 --seed 2025 --style messy --out Fixtures/projects-sample.csv
    python3 Fixtures/generate.py prizes --rows 150 --projects 1200 --seed 2025 --style messy --out Fixtures/prizes-sample.csv
Benchmark-sized input (about 110 MB, canonical):
    python3 Fixtures/generate.py projects --rows 100000 --style canonical --out Benchmarks/data/projects-100k.csv

Guarantees
----------
* Python 3.11+, standard library only; reads no files.
* Same arguments -> byte-identical output.  All randomness comes from
  random.Random instances seeded with strings (seeded through SHA-512, so no
  dependence on hash() randomisation, time or the global generator).
* Output is UTF-8 without BOM, RFC 4180 (csv module, QUOTE_MINIMAL, CRLF
  record terminator).  Fields may contain commas, double quotes, LF and CRLF.
* Rows are written one at a time: memory use does not grow with --rows.
* The underlying data do not depend on --style: messy output for a seed is the
  canonical output for the same seed rendered with messy spellings (a second,
  independent generator draws the spellings).  Two things are lossy in messy
  style: ~10% of start_date values are reduced to a bare year, and ~12% of
  organization names get stray spaces or upper case.
* Realistic style (projects only; the benchmark's link-heavy set) is the canonical output for the
  same seed with more links and staff spellings, drawn by a third independent generator: 3-6 Action
  Lines and 2-5 SDGs per row (countries as canonical: 1-3, or INTERNATIONAL), every list item
  written in one of the spellings of realistic_spellings() (codes, titles, aliases, older titles,
  "SDG 4: Quality Education", "KOREA (REP. OF)", ISO alpha-3 ...), stakeholder types by alias, and
  ~1% of rows with exactly one problem (an unknown Action Line, SDG or country, an impossible date,
  an end date before the start, a bad e-mail address): import it with --skip-invalid (exit 2).

projects columns
----------------
external_id,title,description,organization,stakeholder_type,countries,coverage,status,
start_date,end_date,website,contact_email,partners,activity_type,action_lines,sdgs,
gdc_objectives,submitted_on

* external_id  WSIS-<row number, 10 digits>, row numbers start at 1, unique.
* title        English topic phrase tied to the row's main action line (+ target group / place);
               ~8% of rows are French, Spanish, Arabic, Russian or Chinese.
* description  600-1000 characters of sentences; ~5% hold a quotation with a comma inside
               "..."; ~3% hold a line break (LF or CRLF).  "telemedicine" in ~2% of rows,
               "rural" in ~10%.
* organization one of ~300 names (some with a comma, some non-ASCII).
* stakeholder_type  canonical: government | private sector | civil society |
               international organization | academia | other; ~3% empty.
* countries    canonical: 1-3 ISO alpha-2 codes sorted and ';'-joined, or INTERNATIONAL (~5%).
* coverage     local | national | regional | international.
* status       planned | ongoing | completed; reference date 2025-01-01:
               completed -> end_date <= 2024-12-31; ongoing -> start <= 2024-12-31 and end empty
               or >= 2025-01-01; planned -> start in 2025.
* start_date / end_date  YYYY-MM-DD (end >= start or empty).
* website      https://www.example-<slug>.org/projects/<n> or empty (~20%).
* contact_email contact<n>@example.org or empty (~30%).
* partners     free text, organization names joined by "; ", or empty.
* activity_type Project | Programme | Training | Website | Toolkit | Event | Initiative.
* action_lines canonical: 1-3 leaf codes in the order C1..C6, C7.e-government ...
               C7.e-science, C8..C11, ';'-joined.
* sdgs         canonical: 0-4 distinct numbers 1-17 ascending ';'-joined (~10% empty).
* gdc_objectives canonical: 0-2 numbers 1-5 ascending ';'-joined (mostly empty before the
               GDC adoption date 2024-09-22).
* submitted_on YYYY-MM-DD between 2016-01-01 and 2025-12-31 (both styles).

prizes columns
--------------
year,category,external_id,result: years 2012-2025, category a leaf action line code (messy:
sometimes the upper-case title form, e.g. "C7. ICT APPLICATIONS: E-HEALTH"), external_id
in WSIS-0000000001..WSIS-<P>, result winner | champion | nominee.  Each (year, category)
group has 1 winner (sometimes 2), 4 champions and 4-12 nominees; groups are drawn at
random until --rows is reached (the last one is trimmed, nominees first).  Rows are
sorted by year, category order, result (winner, champion, nominee), external_id and are
unique on (year, category, external_id).  Project ids are positional, so the prizes file
matches any projects file with at least P rows, whatever its seed.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime
import io
import os
import re
import sys
import unicodedata
from random import Random

# ---------------------------------------------------------------------------
# Reference tables
# ---------------------------------------------------------------------------

PROJECT_HEADER = [
    "external_id", "title", "description", "organization", "stakeholder_type",
    "countries", "coverage", "status", "start_date", "end_date", "website",
    "contact_email", "partners", "activity_type", "action_lines", "sdgs",
    "gdc_objectives", "submitted_on",
]
PRIZE_HEADER = ["year", "category", "external_id", "result"]

# Leaf action lines in canonical order.
AL_CODES = [
    "C1", "C2", "C3", "C4", "C5", "C6",
    "C7.e-government", "C7.e-business", "C7.e-learning", "C7.e-health",
    "C7.e-employment", "C7.e-environment", "C7.e-agriculture", "C7.e-science",
    "C8", "C9", "C10", "C11",
]
AL_TITLES = {
    "C1": "The role of public governance authorities and all stakeholders in the promotion of ICTs for development",
    "C2": "Information and communication infrastructure",
    "C3": "Access to information and knowledge",
    "C4": "Capacity building",
    "C5": "Building confidence and security in the use of ICTs",
    "C6": "Enabling environment",
    "C7": "ICT applications",
    "C8": "Cultural diversity and identity, linguistic diversity and local content",
    "C9": "Media",
    "C10": "Ethical dimensions of the Information Society",
    "C11": "International and regional cooperation",
}
(AL_C1, AL_C2, AL_C3, AL_C4, AL_C5, AL_C6, AL_EGOV, AL_EBUS, AL_ELEARN, AL_EHEALTH,
 AL_EEMP, AL_EENV, AL_EAGRI, AL_ESCI, AL_C8, AL_C9, AL_C10, AL_C11) = range(18)


def al_upper_title(code: str) -> str:
    """'C7. ICT APPLICATIONS: E-HEALTH', 'C4. CAPACITY BUILDING'."""
    if code.startswith("C7."):
        return "C7. ICT APPLICATIONS: " + code[3:].upper()
    return f"{code}. {AL_TITLES[code].upper()}"


def al_messy_forms(code: str) -> list[str]:
    if code.startswith("C7."):
        sub = code[3:]                       # e-health
        return [
            code, code, "c7." + sub, al_upper_title(code),
            "e-" + sub[2].upper() + sub[3:],  # e-Health
            "C7 " + sub,                      # C7 e-health
            "E-" + sub[2:],                   # E-health
            "C7. ICT applications: " + "E-" + sub[2:],
        ]
    title = AL_TITLES[code]
    return [code, code, code.lower(), al_upper_title(code), title,
            f"{code}. {title}", f"{code} - {title}"]


SDG_TITLES = [
    "No Poverty", "Zero Hunger", "Good Health and Well-being", "Quality Education",
    "Gender Equality", "Clean Water and Sanitation", "Affordable and Clean Energy",
    "Decent Work and Economic Growth", "Industry, Innovation and Infrastructure",
    "Reduced Inequalities", "Sustainable Cities and Communities",
    "Responsible Consumption and Production", "Climate Action", "Life Below Water",
    "Life on Land", "Peace, Justice and Strong Institutions", "Partnerships for the Goals",
]

# iso2, iso3, ITU region, [ISO 3166 short name, other accepted English names...], upper-case (ITU-style) name or None
COUNTRIES = [
    ("AF", "AFG", "Asia-Pacific", ["Afghanistan"], None),
    ("DZ", "DZA", "Arab States", ["Algeria"], None),
    ("AR", "ARG", "Americas", ["Argentina"], None),
    ("AU", "AUS", "Asia-Pacific", ["Australia"], None),
    ("AT", "AUT", "Europe", ["Austria"], None),
    ("BD", "BGD", "Asia-Pacific", ["Bangladesh"], None),
    ("BE", "BEL", "Europe", ["Belgium"], None),
    ("BJ", "BEN", "Africa", ["Benin"], None),
    ("BT", "BTN", "Asia-Pacific", ["Bhutan"], None),
    ("BO", "BOL", "Americas", ["Bolivia, Plurinational State of", "Bolivia"], "BOLIVIA (PLURINATIONAL STATE OF)"),
    ("BR", "BRA", "Americas", ["Brazil"], None),
    ("BF", "BFA", "Africa", ["Burkina Faso"], None),
    ("CM", "CMR", "Africa", ["Cameroon"], None),
    ("CA", "CAN", "Americas", ["Canada"], None),
    ("CL", "CHL", "Americas", ["Chile"], None),
    ("CN", "CHN", "Asia-Pacific", ["China"], None),
    ("CO", "COL", "Americas", ["Colombia"], None),
    ("CI", "CIV", "Africa", ["Côte d'Ivoire", "Cote d'Ivoire"], None),
    ("CZ", "CZE", "Europe", ["Czechia", "Czech Republic"], None),
    ("EG", "EGY", "Arab States", ["Egypt"], None),
    ("ET", "ETH", "Africa", ["Ethiopia"], None),
    ("FJ", "FJI", "Asia-Pacific", ["Fiji"], None),
    ("FI", "FIN", "Europe", ["Finland"], None),
    ("FR", "FRA", "Europe", ["France"], None),
    ("DE", "DEU", "Europe", ["Germany"], None),
    ("GH", "GHA", "Africa", ["Ghana"], None),
    ("IN", "IND", "Asia-Pacific", ["India"], None),
    ("ID", "IDN", "Asia-Pacific", ["Indonesia"], None),
    ("IR", "IRN", "Asia-Pacific", ["Iran, Islamic Republic of", "Iran"], "IRAN (ISLAMIC REPUBLIC OF)"),
    ("IT", "ITA", "Europe", ["Italy"], None),
    ("JM", "JAM", "Americas", ["Jamaica"], None),
    ("JP", "JPN", "Asia-Pacific", ["Japan"], None),
    ("JO", "JOR", "Arab States", ["Jordan"], None),
    ("KZ", "KAZ", "CIS", ["Kazakhstan"], None),
    ("KE", "KEN", "Africa", ["Kenya"], None),
    ("KR", "KOR", "Asia-Pacific", ["Korea, Republic of", "Republic of Korea"], "KOREA (REP. OF)"),
    ("LB", "LBN", "Arab States", ["Lebanon"], None),
    ("MY", "MYS", "Asia-Pacific", ["Malaysia"], None),
    ("MX", "MEX", "Americas", ["Mexico"], None),
    ("MN", "MNG", "Asia-Pacific", ["Mongolia"], None),
    ("MA", "MAR", "Arab States", ["Morocco"], None),
    ("NP", "NPL", "Asia-Pacific", ["Nepal"], None),
    ("NG", "NGA", "Africa", ["Nigeria"], None),
    ("NO", "NOR", "Europe", ["Norway"], None),
    ("PK", "PAK", "Asia-Pacific", ["Pakistan"], None),
    ("PE", "PER", "Americas", ["Peru"], None),
    ("PH", "PHL", "Asia-Pacific", ["Philippines"], None),
    ("PL", "POL", "Europe", ["Poland"], None),
    ("PT", "PRT", "Europe", ["Portugal"], None),
    ("QA", "QAT", "Arab States", ["Qatar"], None),
    ("RU", "RUS", "CIS", ["Russian Federation"], "RUSSIAN FEDERATION"),
    ("RW", "RWA", "Africa", ["Rwanda"], None),
    ("SA", "SAU", "Arab States", ["Saudi Arabia"], None),
    ("SN", "SEN", "Africa", ["Senegal"], None),
    ("ZA", "ZAF", "Africa", ["South Africa"], None),
    ("ES", "ESP", "Europe", ["Spain"], None),
    ("LK", "LKA", "Asia-Pacific", ["Sri Lanka"], None),
    ("SE", "SWE", "Europe", ["Sweden"], None),
    ("CH", "CHE", "Europe", ["Switzerland"], None),
    ("SY", "SYR", "Arab States", ["Syrian Arab Republic"], None),
    ("TZ", "TZA", "Africa", ["Tanzania, United Republic of", "United Republic of Tanzania", "Tanzania"], "UNITED REPUBLIC OF TANZANIA"),
    ("TH", "THA", "Asia-Pacific", ["Thailand"], None),
    ("TN", "TUN", "Arab States", ["Tunisia"], None),
    ("TR", "TUR", "Europe", ["Türkiye", "Turkey"], None),
    ("UG", "UGA", "Africa", ["Uganda"], None),
    ("UA", "UKR", "Europe", ["Ukraine"], None),
    ("AE", "ARE", "Arab States", ["United Arab Emirates"], None),
    ("GB", "GBR", "Europe", ["United Kingdom of Great Britain and Northern Ireland", "United Kingdom"], "UNITED KINGDOM"),
    ("US", "USA", "Americas", ["United States of America", "United States"], "UNITED STATES"),
    ("UY", "URY", "Americas", ["Uruguay"], None),
    ("VE", "VEN", "Americas", ["Venezuela, Bolivarian Republic of", "Venezuela"], "VENEZUELA (BOLIVARIAN REPUBLIC OF)"),
    ("VN", "VNM", "Asia-Pacific", ["Viet Nam", "Vietnam"], "VIET NAM"),
    ("ZM", "ZMB", "Africa", ["Zambia"], None),
    ("ZW", "ZWE", "Africa", ["Zimbabwe"], None),
]
REGION_PHRASE = {
    "Africa": "Africa", "Americas": "the Americas", "Arab States": "the Arab States",
    "Asia-Pacific": "Asia and the Pacific", "CIS": "the CIS region", "Europe": "Europe",
}


def country_display(entry) -> str:
    """A comma-free English name (for organization names)."""
    names = entry[3]
    for n in names:
        if "," not in n:
            return n
    return names[0]


NAMES_WITH_ARTICLE = {"Russian Federation", "Republic of Korea", "United Republic of Tanzania", "Philippines",
                      "United Arab Emirates", "Syrian Arab Republic", "Czech Republic", "United Kingdom",
                      "United States of America"}


def country_in_text(entry) -> str:
    """'the Russian Federation', 'Kenya': the name as it follows 'in'."""
    n = country_display(entry)
    return "the " + n if n in NAMES_WITH_ARTICLE else n


# Stakeholder types (canonical) and messy aliases.
ST_GOV, ST_PRIV, ST_CS, ST_IO, ST_ACAD, ST_OTHER = range(6)
ST_CANON = ["government", "private sector", "civil society", "international organization", "academia", "other"]
ST_ALIASES = [
    ["Government", "Governments", "Government sector", "Public sector"],
    ["Private Sector", "Business", "Business sector", "Private"],
    ["Civil Society", "NGO", "CSO", "Civil society organization"],
    ["International Organization", "International organizations", "International organisation", "IO"],
    ["Academia", "Academic", "University"],
    ["Other", "Others"],
]

ACTIVITY_TYPES = ["Project", "Programme", "Training", "Website", "Toolkit", "Event", "Initiative"]
ACTIVITY_WEIGHTS = [40, 15, 12, 8, 7, 8, 10]

# Main action line ("theme") weights, same order as AL_CODES.
THEME_WEIGHTS = [5, 8, 8, 12, 6, 5, 7, 5, 9, 8, 3, 4, 5, 3, 5, 3, 2, 4]
THEME_SDGS = [
    [16, 17], [9], [4, 16], [4, 8], [16, 9], [9, 8], [16], [8, 9], [4], [3],
    [8, 5], [13, 11, 12], [2, 1], [9, 4], [4, 11], [16], [16, 10], [17],
]

THEME_TOPICS = [
    ["National Digital Strategy", "ICT for Development Policy Dialogue", "Multi-stakeholder Digital Governance Forum", "Digital Transformation Roadmap", "Open Policy Consultation Platform"],
    ["Broadband Backbone Extension", "Community Network Deployment", "Last-mile Connectivity Programme", "Public Wi-Fi Access Points", "Satellite Connectivity for Schools"],
    ["Open Access Digital Library", "Public Information Kiosks", "Open Data Portal", "Multipurpose Community Telecentres", "Digital Archives for All"],
    ["Digital Skills Academy", "ICT Training of Trainers", "Coding Clubs for Girls", "Digital Literacy Campaign", "Capacity Building for Public Servants"],
    ["Cybersecurity Awareness Campaign", "National CERT Capacity Programme", "Child Online Protection Initiative", "Safer Internet Days", "Digital Trust and Identity Project"],
    ["Regulatory Reform for Digital Markets", "Spectrum Policy Modernisation", "Digital Economy Enabling Framework", "E-commerce Legal Framework", "Affordable Broadband Policy"],
    ["E-government Services Portal", "Digital Identity for Public Services", "One-stop Online Public Services", "Municipal E-services Platform", "Paperless Administration Project"],
    ["Digital Marketplace for Small Businesses", "Mobile Payments for Micro-enterprises", "E-commerce Training for Artisans", "Digital Trade Facilitation Platform", "Online Export Promotion"],
    ["Online Learning Platform for Schools", "Digital Classrooms Initiative", "Open Educational Resources Hub", "Mobile Learning for Teachers", "Virtual University Network"],
    ["Digital Health Records System", "Mobile Health Alerts", "E-health Information Network", "Health Worker Training via Mobile", "Maternal Health SMS Service"],
    ["Online Job Matching Platform", "Digital Jobs for Youth", "Remote Work Skills Programme", "Online Freelancing Training", "E-employment Services Centre"],
    ["Climate Early Warning System", "E-waste Recycling Programme", "Environmental Monitoring Sensors Network", "Green ICT Initiative", "Disaster Risk Information Platform"],
    ["Mobile Market Prices for Farmers", "Digital Extension Services", "Smart Irrigation Pilot", "Farmers' Information Network", "E-agriculture Advisory Platform"],
    ["Research and Education Network", "Open Science Data Repository", "Citizen Science Platform", "High-performance Computing for Researchers", "Digital Research Infrastructure"],
    ["Local Content in Indigenous Languages", "Digital Cultural Heritage Archive", "Multilingual Internet Initiative", "Community Storytelling Platform", "Local Language Keyboards and Fonts"],
    ["Community Radio Digitisation", "Media Literacy Programme", "Digital Newsroom Training", "Public Service Media Online", "Fact-checking Network"],
    ["Ethics of Artificial Intelligence Dialogue", "Digital Rights Awareness", "Responsible Data Use Guidelines", "Online Privacy Education", "Ethical Technology Charter"],
    ["Regional Digital Cooperation Platform", "South-South Knowledge Exchange", "Cross-border Connectivity Partnership", "Regional ICT Observatory", "International Digital Development Partnership"],
]
TELE_TOPICS = ["Telemedicine Network", "Telemedicine Services for District Hospitals", "Telemedicine and Remote Diagnosis", "Mobile Telemedicine Units"]

THEME_SENTENCES = [
    ["The initiative brings together government, business, civil society and academia to define national ICT for development priorities.",
     "Public consultations collected more than {num} contributions on the draft digital policy.",
     "A high-level steering committee meets every quarter to monitor implementation of the ICT policy."],
    ["The project extends fibre-optic backbone and wireless links to unconnected towns and schools.",
     "Community networks are built and operated by local cooperatives with technical support from volunteer engineers.",
     "Over {num} kilometres of fibre were laid and hundreds of public access points were installed."],
    ["Public libraries were equipped with computers, connectivity and digital collections open to everyone.",
     "The open data portal publishes datasets from ministries in machine-readable formats.",
     "Telecentres offer free access to information, printing and assisted online services."],
    ["The training programme builds basic and advanced digital skills through short practical courses.",
     "Trainers certified by the programme now run courses in their own communities.",
     "Courses cover computer basics, online safety, spreadsheets and introductory programming."],
    ["The campaign raises awareness of phishing, online fraud and password hygiene.",
     "A national computer emergency response team was trained to handle security incidents.",
     "Child online protection guidelines were distributed to schools and parents."],
    ["The project supports regulators in modernising licensing, spectrum and consumer protection rules.",
     "A new legal framework for electronic transactions and data protection was drafted and adopted.",
     "Policy changes lowered the cost of mobile data for consumers by almost half."],
    ["Citizens can now request certificates, pay fees and track applications online.",
     "The portal integrates services from several ministries behind a single digital identity.",
     "Processing times for administrative procedures fell significantly after digitisation."],
    ["Small and medium-sized enterprises learn to sell online and accept electronic payments.",
     "The marketplace connects local producers with buyers in national and international markets.",
     "Artisans received training in online marketing, product photography and logistics."],
    ["Teachers and pupils use an online learning platform with lessons aligned to the national curriculum.",
     "Open educational resources are produced by teachers and shared under open licences.",
     "Schools received tablets, offline content servers and teacher training."],
    ["Health workers use tablets to record patient data and consult specialists.",
     "An electronic health record system links clinics, laboratories and district hospitals.",
     "Pregnant women receive free text messages with health advice and appointment reminders."],
    ["The job portal matches job seekers with vacancies published by employers and public agencies.",
     "Young people are trained for online work such as data entry, translation and web design.",
     "Employment services were digitised to reduce waiting times for job seekers."],
    ["Sensors and satellite data feed an early warning system for floods and droughts.",
     "Collection points for electronic waste were set up together with certified recyclers.",
     "The project measures and reduces the energy consumption of public data centres."],
    ["Farmers receive weather forecasts, market prices and advice on their mobile phones.",
     "Extension officers use a digital platform to answer questions from farmers.",
     "Cooperatives use simple soil sensors to plan irrigation and save water."],
    ["Universities are connected to a national research and education network.",
     "Researchers share data and publications through an open science repository.",
     "Volunteers contribute observations through a citizen science mobile application."],
    ["Oral histories, songs and traditional knowledge are recorded and published online.",
     "Keyboards, fonts and dictionaries were developed for local languages.",
     "Museums and archives digitise their collections to make them accessible to all."],
    ["Community radio stations received digital equipment and training in online broadcasting.",
     "Journalists are trained in data journalism, verification and digital security.",
     "The media literacy programme helps citizens recognise misinformation."],
    ["The initiative promotes respect for privacy, human rights and ethical values online.",
     "Guidelines on the responsible use of data and artificial intelligence were published.",
     "Workshops discuss the ethical dimensions of the information society with students and officials."],
    ["Countries of the region share expertise, infrastructure and good practices.",
     "The partnership organises peer-learning visits between ministries and regulators.",
     "A regional observatory publishes comparable ICT indicators every year."],
]

GENERIC_SENTENCES = [
    "The project was launched in {year} and has since reached more than {num} beneficiaries.",
    "Activities are implemented in close cooperation with {partner} and local authorities.",
    "A monitoring framework with clear indicators tracks progress against the baseline survey.",
    "All training materials are published under an open licence and can be reused freely.",
    "The initiative places particular emphasis on {target}, who are often excluded from digital opportunities.",
    "Lessons learned were shared at regional workshops and in a public report.",
    "Funding comes from a combination of public budget, private donations and international grants.",
    "The programme is designed to be replicated in other regions with minimal adaptation.",
    "An independent evaluation in {year} found clear improvements in access and service quality.",
    "Volunteers from the local community help maintain the equipment and support new users.",
    "Mobile phones are the main channel, since smartphone ownership has grown quickly in the country.",
    "Gender balance is ensured in all training cohorts and in the project steering committee.",
    "The team works with {partner} to keep the services sustainable after the pilot phase.",
    "Data collected during the project are anonymised and published as open data.",
    "More than {num} people attended the awareness sessions organised during the first year.",
    "Accessibility guidelines were followed so that persons with disabilities can use every service.",
    "The approach combines online modules with face-to-face mentoring sessions for {target}.",
    "Local languages are used throughout, which greatly increased participation in {target_area}.",
    "The project contributes directly to the Sustainable Development Goals and to the WSIS Action Lines.",
    "A helpdesk answers questions by phone, e-mail and messaging applications six days a week.",
    "Solar-powered equipment reduces operating costs and keeps the centres open during power cuts.",
    "Results are reviewed every six months by a committee of users, experts and officials.",
    "The second phase will extend the activities to new districts and to {target}.",
    "Partnerships with {partner} helped reduce the cost of connectivity and devices.",
    "Since {year}, the number of registered users in {target_area} has more than doubled.",
]
RURAL_SENTENCES = [
    "Special attention is given to rural communities that lack reliable connectivity.",
    "In rural areas, mobile units bring the services directly to villages.",
    "The service now covers {num} rural villages in remote districts.",
    "Rural schools and clinics were the first sites to be connected.",
    "Women in rural areas make up more than half of the participants.",
]
TELE_SENTENCES = [
    "A telemedicine network allows doctors in district hospitals to consult specialists remotely.",
    "Through telemedicine, patients avoid long and expensive journeys to the capital.",
    "The telemedicine platform supports video consultations, remote diagnosis and electronic prescriptions.",
]
QUOTE_SENTENCES = [
    'Participants described the service as "simple, reliable and close to home".',
    'The slogan of the campaign, "connect, learn, share", was translated into several languages.',
    'According to the final report, the platform is "affordable, accessible and open to all".',
    'A teacher summarised the impact: "before, we had nothing; now, we have the world in our classroom".',
    'The motto "leave no one behind, offline or online" guided the design of every activity.',
]
TARGETS = ["women", "young people", "persons with disabilities", "older persons", "small-scale farmers",
           "teachers", "refugees", "indigenous peoples", "small businesses", "students",
           "health workers", "local officials"]
TITLE_TARGETS = ["Women", "Youth", "Persons with Disabilities", "Older Persons", "Smallholder Farmers",
                 "Teachers", "Indigenous Communities", "Small Businesses", "Girls", "Local Governments"]
RURAL_TITLE_SUFFIX = ["for Rural Communities", "in Rural Areas", "for Rural Schools", "for Rural Women"]
PARTNER_KINDS = ["universities", "civil society organizations", "telecom operators", "local governments",
                 "the private sector", "international partners", "community radios", "public libraries"]
AREAS = ["the target districts", "the pilot municipalities", "the participating schools",
         "the partner communities", "the capital and secondary cities"]
NUMS = ["250", "400", "800", "1,200", "2,500", "3,000", "5,000", "12,000", "40,000", "150,000"]

# Non-English content: (titles, rural titles, sentences, rural sentences, organizations)
LANG_CONTENT = {
    "fr": (
        ["Programme national d'éducation numérique", "Réseau de santé numérique et télémédecine",
         "Plateforme d'e-gouvernement pour les collectivités", "Formation des femmes aux compétences numériques",
         "Accès à l'information dans les bibliothèques publiques", "Sécurité numérique et confiance en ligne",
         "Numérisation du patrimoine culturel et linguistique", "Connectivité à haut débit pour les écoles"],
        ["Télécentres communautaires en milieu rural", "Agriculture numérique pour les coopératives rurales"],
        ["Le projet vise à renforcer les compétences numériques des jeunes et des femmes.",
         "Les activités sont menées en partenariat avec les collectivités locales et la société civile.",
         "Une plateforme en ligne permet aux citoyens d'accéder aux services publics à distance.",
         "Plus de deux mille enseignants ont été formés à l'utilisation pédagogique des TIC.",
         "L'initiative contribue à la réalisation des objectifs de développement durable.",
         "Les résultats de l'évaluation seront publiés et partagés avec les partenaires régionaux.",
         "Le réseau relie les hôpitaux de district aux centres de santé grâce à la télémédecine.",
         "Des contenus éducatifs en langues locales sont produits et diffusés gratuitement.",
         "La sécurité des données personnelles est garantie conformément à la réglementation nationale.",
         "Le programme s'appuie sur une infrastructure à haut débit déployée à l'échelle du pays."],
        ["Les communautés des zones rurales bénéficient d'un accès à Internet abordable.",
         "Des télécentres ont été installés en milieu rural, dans des villages isolés."],
        [("Ministère de l'Économie numérique et des Postes", ST_GOV),
         ("Agence nationale de la société de l'information", ST_GOV),
         ("Université numérique francophone des Sciences appliquées", ST_ACAD),
         ("Association des télécentres communautaires", ST_CS),
         ("Réseau africain pour l'éducation numérique", ST_CS),
         ("Société Télécom Afrique, S.A.", ST_PRIV)],
    ),
    "es": (
        ["Educación digital para todos", "Red nacional de telemedicina y salud electrónica",
         "Gobierno electrónico para municipios", "Alfabetización digital de mujeres emprendedoras",
         "Conectividad y acceso a la información pública", "Programa de ciberseguridad y confianza en línea",
         "Preservación del patrimonio cultural en línea", "Niñas en la tecnología"],
        ["Telecentros rurales para la niñez campesina", "Información agrícola para zonas rurales"],
        ["El proyecto busca reducir la brecha digital en las comunidades más vulnerables.",
         "Se capacitó a más de mil docentes en el uso pedagógico de las tecnologías.",
         "La plataforma permite realizar trámites públicos en línea de forma segura.",
         "Los contenidos se producen en español y en lenguas indígenas.",
         "La iniciativa contribuye a los Objetivos de Desarrollo Sostenible.",
         "Las niñas y los niños acceden a recursos educativos digitales gratuitos.",
         "El programa se desarrolla en alianza con universidades y organizaciones de la sociedad civil.",
         "La red de telemedicina conecta hospitales regionales con centros de salud.",
         "Se publicará un informe de evaluación con los resultados obtenidos."],
        ["Las zonas rurales cuentan ahora con acceso a Internet de banda ancha.",
         "Los agricultores de comunidades rurales reciben información de precios por teléfono móvil."],
        [("Secretaría de Innovación Pública", ST_GOV),
         ("Fundación Tecnología para Todos", ST_CS),
         ("Universidad Tecnológica del Pacífico", ST_ACAD),
         ("Asociación Latinoamericana de Telecentros", ST_CS),
         ("Red de Bibliotecas Públicas de Bogotá", ST_GOV),
         ("Conexión Andina, S.A.", ST_PRIV)],
    ),
    "ar": (
        ["التحول الرقمي في الخدمات الحكومية", "التعليم الإلكتروني للجميع", "الصحة الإلكترونية والتطبيب عن بعد",
         "بناء القدرات الرقمية للشباب", "الأمن السيبراني وبناء الثقة", "المحتوى العربي الرقمي"],
        ["ربط المناطق الريفية بالإنترنت"],
        ["يهدف المشروع إلى تقليص الفجوة الرقمية.",
         "تم تدريب أكثر من ألف معلم على استخدام التكنولوجيا في التعليم.",
         "تتيح المنصة للمواطنين الوصول إلى الخدمات الحكومية عبر الإنترنت.",
         "يساهم المشروع في تحقيق أهداف التنمية المستدامة.",
         "يتم تنفيذ المبادرة بالشراكة مع الجامعات ومنظمات المجتمع المدني.",
         "تربط الشبكة المستشفيات بالمراكز الصحية من خلال التطبيب عن بعد.",
         "يتم إنتاج محتوى رقمي باللغة العربية."],
        ["يستفيد سكان المناطق الريفية من خدمات الإنترنت بأسعار معقولة."],
        [("وزارة الاتصالات وتكنولوجيا المعلومات", ST_GOV),
         ("الجمعية العربية للتنمية الرقمية", ST_CS),
         ("جامعة التكنولوجيا الرقمية", ST_ACAD)],
    ),
    "ru": (
        ["Цифровое образование для всех", "Электронное правительство и государственные услуги",
         "Телемедицина для отдалённых районов", "Развитие цифровых навыков молодёжи",
         "Информационная безопасность и доверие", "Цифровая библиотека культурного наследия"],
        ["Широкополосный доступ для сельских районов"],
        ["Проект направлен на сокращение цифрового неравенства.",
         "Более тысячи учителей прошли обучение по использованию ИКТ.",
         "Платформа позволяет гражданам получать государственные услуги онлайн.",
         "Инициатива способствует достижению Целей устойчивого развития.",
         "Проект реализуется в партнёрстве с университетами и некоммерческими организациями.",
         "Сеть телемедицины соединяет районные больницы с медицинскими центрами.",
         "Создаётся цифровой контент на национальных языках."],
        ["Жители сельских районов получают доступ к недорогому интернету."],
        [("Министерство цифрового развития", ST_GOV),
         ("Фонд развития информационного общества", ST_CS),
         ("Институт информационных технологий", ST_ACAD)],
    ),
    "zh": (
        ["远程医疗服务平台", "数字教育资源共享计划", "数字政府公共服务平台", "青少年数字技能培训",
         "网络安全与信任建设", "数字文化遗产保护项目"],
        ["农村远程医疗网络", "农村数字教育计划", "农村宽带接入工程"],
        ["该项目旨在缩小数字鸿沟。",
         "已有一千多名教师接受了信息通信技术培训。",
         "该平台使公民能够在线办理政务服务。",
         "该倡议有助于实现可持续发展目标。",
         "项目与大学和民间社会组织合作实施。",
         "远程医疗网络将县级医院与乡镇卫生院连接起来。",
         "利用移动互联网向农民提供农业信息。"],
        ["为农村学校提供数字教育资源。", "农村地区的居民可以使用价格低廉的互联网服务。"],
        [("数字乡村发展研究中心", ST_ACAD),
         ("远程医疗合作联盟", ST_CS),
         ("农村数字教育基金会", ST_CS),
         ("信息通信技术研究院", ST_ACAD)],
    ),
}
LANGS = ["fr", "es", "ar", "ru", "zh"]
LANG_CUM = [0.025, 0.050, 0.060, 0.070, 0.080]   # cumulative probabilities

# ---------------------------------------------------------------------------
# Vocabulary construction (fixed, independent of --seed)
# ---------------------------------------------------------------------------


def build_organizations() -> list[tuple[str, int]]:
    vr = Random("stocktake-vocabulary-organizations-v1")
    displays = [country_display(c) for c in COUNTRIES]
    orgs: list[tuple[str, int]] = []
    areas = ["Communications and Digital Economy", "Information and Communications Technology", "Education",
             "Health", "Agriculture", "Digital Transformation", "Public Administration", "Science and Technology"]
    pairs = [(a, d) for a in areas for d in displays]
    for a, d in vr.sample(pairs, 80):
        orgs.append((f"Ministry of {a} ({d})", ST_GOV))
    for d in vr.sample(displays, 20):
        orgs.append((f"{d} Communications Regulatory Authority", ST_GOV))
    for d in vr.sample(displays, 12):
        orgs.append((f"National ICT Agency of {d}", ST_GOV))
    cities = ["Nairobi", "Dakar", "Lagos", "Accra", "Kigali", "Cairo", "Tunis", "Casablanca", "Amman", "Beirut",
              "Mumbai", "Dhaka", "Kathmandu", "Colombo", "Jakarta", "Manila", "Hanoi", "Bangkok", "Kuala Lumpur",
              "Seoul", "Osaka", "Shanghai", "São Paulo", "Bogotá", "Lima", "Santiago", "Montevideo", "Guadalajara",
              "Kingston", "Geneva", "Lyon", "Porto", "Kraków", "Tampere", "Bergen", "Toronto", "Melbourne", "Suva",
              "Almaty", "Kampala", "Lusaka", "Harare", "Ouagadougou", "Yaoundé", "Addis Ababa"]
    for c in cities:
        orgs.append((f"University of {c}", ST_ACAD))
    for c in vr.sample(cities, 12):
        orgs.append((f"{c} Institute of Technology", ST_ACAD))
    adjs = ["Digital", "Open", "Connected", "Inclusive", "Smart", "Bright", "Community", "Knowledge"]
    nouns = ["Bridges", "Futures", "Villages", "Horizons", "Voices", "Networks", "Skills", "Pathways"]
    kinds = ["Foundation", "Association", "Initiative", "Trust", "Alliance"]
    for a, n, k in vr.sample([(a, n, k) for a in adjs for n in nouns for k in kinds], 70):
        orgs.append((f"{a} {n} {k}", ST_CS))
    brands = ["Acme", "Orion", "Baobab", "Sahel", "Andes", "Pacific", "Nile", "Atlas", "Meridian", "Zenith",
              "Kilima", "Mekong"]
    lines = ["Telecom", "Networks", "Systems", "Digital", "Solutions", "Data"]
    forms = [", Ltd.", " Inc.", " S.A.", " PLC", " Ltd", ", Inc.", " GmbH", " Pvt. Ltd."]
    company = [("Acme Telecom, Ltd.", ST_PRIV)]
    for b, l in vr.sample([(b, l) for b in brands for l in lines if (b, l) != ("Acme", "Telecom")], 44):
        company.append((f"{b} {l}{forms[vr.randrange(len(forms))]}", ST_PRIV))
    orgs.extend(company)
    for n in ["Regional Centre for ICT Cooperation", "Asia-Pacific Digital Development Network",
              "African Digital Cooperation Forum", "Arab Regional ICT Partnership",
              "Latin American Digital Agenda Secretariat", "Pacific Islands Connectivity Council",
              "International Association of Telecentres", "Inter-regional Knowledge Society Observatory",
              "International Network of Digital Libraries", "European Digital Skills Coalition",
              "Commonwealth Digital Learning Consortium", "International Centre for E-health Cooperation"]:
        orgs.append((n, ST_IO))
    for n in ["Smart City Public-Private Consortium", "Independent Digital Researchers Collective",
              "Community Broadband Cooperative", "Multi-stakeholder Partnership for Digital Inclusion",
              "Open Source Developers Guild", "Individual contributor"]:
        orgs.append((n, ST_OTHER))
    return orgs


def slugify(name: str, fallback: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > 40:
        s = s[:40].rsplit("-", 1)[0]
    return s or fallback


def fill_templates(templates, vr: Random, copies: int, first_id: int) -> list[tuple[int, str]]:
    """(template id, sentence) pairs; the id lets a description avoid repeating a template."""
    out = []
    for k, t in enumerate(templates):
        tid = first_id + k
        if "{" not in t:
            out.append((tid, t))
            continue
        for _ in range(copies):
            out.append((tid, t.format(
                year=vr.randint(2006, 2024), num=NUMS[vr.randrange(len(NUMS))],
                partner=PARTNER_KINDS[vr.randrange(len(PARTNER_KINDS))],
                target=TARGETS[vr.randrange(len(TARGETS))],
                target_area=AREAS[vr.randrange(len(AREAS))])))
    return out


class Vocab:
    def __init__(self):
        vr = Random("stocktake-vocabulary-text-v1")
        self.orgs = build_organizations()
        self.org_slugs = [slugify(n, f"org{k}") for k, (n, _) in enumerate(self.orgs)]
        self.lang_orgs = {}
        for lang in LANGS:
            lst = LANG_CONTENT[lang][4]
            base = len(self.orgs) + 100 * (LANGS.index(lang) + 1)
            self.lang_orgs[lang] = [(n, st, slugify(n, f"org{base + k}")) for k, (n, st) in enumerate(lst)]
        self.generic = fill_templates(GENERIC_SENTENCES, vr, 8, 0)
        self.theme = [fill_templates(ts, vr, 4, 100 + 10 * k) for k, ts in enumerate(THEME_SENTENCES)]
        self.rural = [s for _, s in fill_templates(RURAL_SENTENCES, vr, 4, 0)]
        self.max_sentence = max(len(s) for pool in [self.rural, TELE_SENTENCES, QUOTE_SENTENCES] for s in pool)
        self.max_sentence = max(self.max_sentence, max(len(s) for pool in [self.generic] + self.theme
                                                       for _, s in pool))
        for lang in LANGS:
            c = LANG_CONTENT[lang]
            self.max_sentence = max(self.max_sentence, max(len(s) for s in c[2] + c[3]))
        self.country_in_text = [country_in_text(c) for c in COUNTRIES]
        self.theme_cum = cumulative(THEME_WEIGHTS)
        self.activity_cum = cumulative(ACTIVITY_WEIGHTS)
        # messy renderings
        self.al_messy = [al_messy_forms(c) for c in AL_CODES]
        self.sdg_messy = [[f"SDG {n}", f"SDG{n}", f"Goal {n}", str(n), f"SDG {n}: {SDG_TITLES[n - 1]}",
                           SDG_TITLES[n - 1], f"SDG {n}", str(n)] for n in range(1, 18)]
        self.country_messy = []
        for iso2, iso3, _region, names, itu in COUNTRIES:
            self.country_messy.append((iso2, iso3, names, itu or names[0].upper()))


def realistic_spellings() -> dict[str, list[tuple[str, int]]]:
    """Every spelling the realistic style writes in a list or stakeholder cell, by kind, with the
    index it stands for: 'al' -> position in AL_CODES, 'sdg' -> goal number, 'gdc' -> objective
    number, 'country' -> position in COUNTRIES (-1: INTERNATIONAL), 'st' -> position in ST_CANON.
    Canonical spellings are included, so one table maps both the canonical and the realistic set
    (Benchmarks/bench.py builds its SQL reference's mapping table from this)."""
    out = {"al": [], "sdg": [], "gdc": [], "country": [], "st": []}
    for a, code in enumerate(AL_CODES):
        forms = list(dict.fromkeys(al_messy_forms(code) + REALISTIC_AL_EXTRA.get(code, [])))
        out["al"].extend((f, a) for f in forms)
    for n in range(1, 18):
        forms = [str(n), f"SDG {n}", f"SDG{n}", f"Goal {n}", f"SDG {n}: {SDG_TITLES[n - 1]}", SDG_TITLES[n - 1]]
        out["sdg"].extend((f, n) for f in forms)
    for g in range(1, 6):
        out["gdc"].extend([(str(g), g), (f"Objective {g}", g)])
    for c, (iso2, iso3, _region, names, itu) in enumerate(COUNTRIES):
        forms = list(dict.fromkeys([iso2, iso3] + names + [itu or names[0].upper()]))
        out["country"].extend((f, c) for f in forms)
    out["country"].extend([("INTERNATIONAL", -1), ("International", -1)])
    for t, canon in enumerate(ST_CANON):
        out["st"].extend((f, t) for f in dict.fromkeys([canon] + ST_ALIASES[t]))
    return out


# Older titles and title aliases the importer knows (Migrations/0002_reference_data.sql).
REALISTIC_AL_EXTRA = {
    "C1": ["The role of governments and all stakeholders in the promotion of ICTs for development"],
    "C2": ["Information and communication infrastructure: an essential foundation for the Information Society"],
    "C4": ["Capacity-building", "C4. Capacity-building"],
}
# One problem each, on ~1% of rows: (column, value or None for "see below").
REALISTIC_PROBLEMS = [
    ("action_lines", "C12"), ("action_lines", "C7 e-tourism"), ("sdgs", "SDG 18"),
    ("countries", "Atlantis"), ("start_date", "2019-02-30"), ("start_date", "31/12/2019"),
    ("end_date", None), ("contact_email", "contact at example.org"),
]


def cumulative(weights):
    acc, out = 0, []
    for w in weights:
        acc += w
        out.append(acc)
    return out


DATE_BASE = datetime.date(2005, 1, 1).toordinal()
DATE_LAST = datetime.date(2031, 12, 31).toordinal()
DATES = [datetime.date.fromordinal(o).isoformat() for o in range(DATE_BASE, DATE_LAST + 1)]


def o(y, m, d):
    return datetime.date(y, m, d).toordinal()


O_2005 = o(2005, 1, 1)
O_2016 = o(2016, 1, 1)
O_2023_END = o(2023, 12, 31)
O_2024_START = o(2024, 1, 1)
O_2024_END = o(2024, 12, 31)
O_2025 = o(2025, 1, 1)
O_2025_END = o(2025, 12, 31)
O_2029_END = o(2029, 12, 31)
O_GDC = o(2024, 9, 22)

# ---------------------------------------------------------------------------
# projects
# ---------------------------------------------------------------------------


def messy_case(word: str, x: float) -> str:
    """lower 70%, Capitalized 20%, UPPER 10%."""
    if x < 0.7:
        return word
    if x < 0.9:
        return word[0].upper() + word[1:]
    return word.upper()


def generate_projects(rows: int, seed: int, style: str, out) -> None:
    v = Vocab()
    rng = Random(f"stocktake-projects:{seed}")
    mrng = Random(f"stocktake-projects-messy:{seed}")
    R = rng.random
    M = mrng.random
    messy = style == "messy"
    realistic = style == "realistic"
    if realistic:
        xrng = Random(f"stocktake-projects-realistic:{seed}")
        X = xrng.random
        spellings = realistic_spellings()
        al_forms = [[] for _ in AL_CODES]
        for f, a in spellings["al"]:
            al_forms[a].append(f)
        sdg_forms = [[] for _ in range(18)]
        for f, n in spellings["sdg"]:
            sdg_forms[n].append(f)
        country_forms = [[] for _ in COUNTRIES]
        for f, c in spellings["country"]:
            if c >= 0:
                country_forms[c].append(f)
        st_forms = [[] for _ in ST_CANON]
        for f, t in spellings["st"]:
            st_forms[t].append(f)
    bis = bisect.bisect_right

    orgs, org_slugs, n_orgs = v.orgs, v.org_slugs, len(v.orgs)
    n_countries = len(COUNTRIES)
    theme_cum, theme_total = v.theme_cum, v.theme_cum[-1]
    act_cum, act_total = v.activity_cum, v.activity_cum[-1]
    generic, n_generic = v.generic, len(v.generic)
    theme_pools = v.theme
    rural_pool = v.rural
    desc_hi = 1000 - v.max_sentence - 2   # final length stays <= 1000
    desc_lo = min(660, desc_hi)
    dates = DATES
    cdisp = v.country_in_text

    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(PROJECT_HEADER)
    writerow = w.writerow

    for i in range(1, rows + 1):
        # --- theme, flags --------------------------------------------------------------
        theme = bis(theme_cum, R() * theme_total)
        x = R()
        lang = None
        if x < 0.08:
            lang = LANGS[bis(LANG_CUM, x)]
        tele = R() < (0.22 if theme == AL_EHEALTH else 0.003)
        rural = R() < (0.45 if tele else 0.30 if theme == AL_EAGRI else 0.075)
        quote = R() < 0.05
        linebreak = R() < 0.03

        # --- countries, coverage ---------------------------------------------------------
        x = R()
        if x < 0.05:
            cidx = None
            coverage = "international"
        else:
            k = 1 if x < 0.72 else (2 if x < 0.92 else 3)
            cidx = []
            while len(cidx) < k:
                c = int(R() * n_countries)
                if c not in cidx:
                    cidx.append(c)
            y = R()
            if k == 1:
                coverage = "local" if y < 0.35 else "national"
            else:
                coverage = "regional" if y < 0.75 else "international"

        # --- status and dates ------------------------------------------------------------
        x = R()
        if x < 0.45:
            status = "completed"
            start = O_2005 + int(R() * (O_2023_END - O_2005 + 1))
            hi = min(start + 6 * 365, O_2024_END)
            lo = min(start + 30, hi)
            end = lo + int(R() * (hi - lo + 1))
        elif x < 0.85:
            status = "ongoing"
            a, b = R(), R()
            start = O_2005 + int(max(a, b) * (O_2024_END - O_2005 + 1))   # skewed to recent years
            end = None if R() < 0.4 else O_2025 + int(R() * (O_2029_END - O_2025 + 1))
        else:
            status = "planned"
            start = O_2025 + int(R() * (O_2025_END - O_2025 + 1))
            end = None if R() < 0.3 else start + 180 + int(R() * 1620)
        if status == "planned":
            submitted = O_2024_START + int(R() * (start - O_2024_START + 1))
        else:
            submitted = O_2016 + int(R() * (O_2025_END - O_2016 + 1))

        # --- organization ----------------------------------------------------------------
        if lang is not None and R() < 0.7:
            lo_list = v.lang_orgs[lang]
            org, stype, slug = lo_list[int(R() * len(lo_list))]
        else:
            k = int(R() * n_orgs)
            org, stype = orgs[k]
            slug = org_slugs[k]
        st_empty = R() < 0.03

        # --- title -----------------------------------------------------------------------
        if lang is None:
            if tele and theme == AL_EHEALTH and R() < 0.7:
                title = TELE_TOPICS[int(R() * len(TELE_TOPICS))]
            else:
                topics = THEME_TOPICS[theme]
                title = topics[int(R() * len(topics))]
            if rural and R() < 0.5:
                title += " " + RURAL_TITLE_SUFFIX[int(R() * len(RURAL_TITLE_SUFFIX))]
            elif R() < 0.3:
                title += " for " + TITLE_TARGETS[int(R() * len(TITLE_TARGETS))]
            if cidx is not None and R() < 0.4:
                if len(cidx) == 1:
                    title += " in " + cdisp[cidx[0]]
                else:
                    title += " in " + REGION_PHRASE[COUNTRIES[cidx[0]][2]]
        else:
            content = LANG_CONTENT[lang]
            pool = content[1] if (rural and R() < 0.6) else content[0]
            title = pool[int(R() * len(pool))]

        # --- description -----------------------------------------------------------------
        target = desc_lo + int(R() * (desc_hi - desc_lo + 1))
        parts = []
        if lang is not None:
            content = LANG_CONTENT[lang]
            lp = content[2]
            parts.extend(rng.sample(lp, 2 + int(R() * (len(lp) - 1))))
            if rural:
                parts.insert(1, content[3][int(R() * len(content[3]))])
        tp = theme_pools[theme]
        tid, s = tp[int(R() * len(tp))]
        used = [tid]
        extra = [s]
        if tele:
            extra.append(TELE_SENTENCES[int(R() * len(TELE_SENTENCES))])
        if rural:
            extra.append(rural_pool[int(R() * len(rural_pool))])
        if quote:
            extra.insert(1 + int(R() * len(extra)), QUOTE_SENTENCES[int(R() * len(QUOTE_SENTENCES))])
        if parts:
            # keep non-English rows within 1000 characters (a line break may add one)
            budget = 999 - sum(len(e) + 1 for e in extra)
            while len(parts) > 1 and sum(len(p) + 1 for p in parts) - 1 > budget:
                parts.pop()
        parts.extend(extra)
        total = sum(len(p) for p in parts) + len(parts) - 1
        while total < target:
            tid, s = tp[int(R() * len(tp))] if R() < 0.3 else generic[int(R() * n_generic)]
            if tid in used:
                continue
            used.append(tid)
            parts.append(s)
            total += len(s) + 1
        if linebreak:
            cut = 1 + int(R() * (len(parts) - 1))
            sep = "\n" if R() < 0.5 else "\r\n"
            description = " ".join(parts[:cut]) + sep + " ".join(parts[cut:])
        else:
            description = " ".join(parts)

        # --- website, email, partners, activity ------------------------------------------
        website = "" if R() < 0.2 else f"https://www.example-{slug}.org/projects/{i}"
        email = "" if R() < 0.3 else f"contact{i}@example.org"
        if R() < 0.45:
            partners = ""
        else:
            k = 1 + int(R() * 3)
            partners = "; ".join(orgs[int(R() * n_orgs)][0] for _ in range(k))
        activity = ACTIVITY_TYPES[bis(act_cum, R() * act_total)]

        # --- action lines ----------------------------------------------------------------
        als = [theme]
        x = R()
        k = 1 if x < 0.6 else (2 if x < 0.88 else 3)
        if tele and theme != AL_EHEALTH:
            als.append(AL_EHEALTH)
        while len(als) < k:
            a = int(R() * 18)
            if a not in als:
                als.append(a)

        # --- SDGs, GDC -------------------------------------------------------------------
        x = R()
        if x < 0.10:
            sdgs = []
        else:
            k = 1 if x < 0.415 else (2 if x < 0.685 else (3 if x < 0.865 else 4))
            ts = THEME_SDGS[theme]
            sdgs = [ts[int(R() * len(ts))]]
            while len(sdgs) < k:
                s = 1 + int(R() * 17)
                if s not in sdgs:
                    sdgs.append(s)
        if R() < (0.65 if submitted >= O_GDC else 0.02):
            g1 = 1 + int(R() * 5)
            gdc = [g1]
            if R() < 0.3:
                g2 = 1 + int(R() * 5)
                if g2 != g1:
                    gdc.append(g2)
        else:
            gdc = []

        start_s = dates[start - DATE_BASE]
        end_s = "" if end is None else dates[end - DATE_BASE]
        submitted_s = dates[submitted - DATE_BASE]

        # --- rendering -------------------------------------------------------------------
        if realistic:
            stakeholder = "" if st_empty else st_forms[stype][int(X() * len(st_forms[stype]))]
            if cidx is None:
                items = ["INTERNATIONAL"]
            else:
                items = [country_forms[c][int(X() * len(country_forms[c]))] for c in cidx]
            x = X()
            k = 3 if x < 0.30 else (4 if x < 0.65 else (5 if x < 0.85 else 6))
            als = als[:]
            while len(als) < k:
                a = int(X() * 18)
                if a not in als:
                    als.append(a)
            k = 2 + int(X() * 4)
            sdgs = sdgs[:]
            while len(sdgs) < k:
                n = 1 + int(X() * 17)
                if n not in sdgs:
                    sdgs.append(n)
            al_items = [al_forms[a][int(X() * len(al_forms[a]))] for a in als]
            sdg_items = [sdg_forms[n][int(X() * len(sdg_forms[n]))] for n in sdgs]
            gdc_s = ";".join(str(g) if X() < 0.6 else f"Objective {g}" for g in gdc)
            if X() < 0.01:
                column, bad = REALISTIC_PROBLEMS[int(X() * len(REALISTIC_PROBLEMS))]
                if column == "action_lines":
                    al_items[int(X() * len(al_items))] = bad
                elif column == "sdgs":
                    sdg_items[int(X() * len(sdg_items))] = bad
                elif column == "countries":
                    items[int(X() * len(items))] = bad
                elif column == "start_date":
                    start_s = bad
                elif column == "end_date":
                    before = start - DATE_BASE - 1 - int(X() * 300)
                    end_s = dates[before] if before >= 0 else "2004-06-30"   # before the start
                else:
                    email = bad
            sep = ";" if X() < 0.7 else "; "
            countries = sep.join(items)
            action_lines = sep.join(al_items)
            sdg_s = sep.join(sdg_items)
        elif not messy:
            stakeholder = "" if st_empty else ST_CANON[stype]
            if cidx is None:
                countries = "INTERNATIONAL"
            else:
                countries = ";".join(sorted(COUNTRIES[c][0] for c in cidx))
            action_lines = ";".join(AL_CODES[a] for a in sorted(als))
            sdg_s = ";".join(str(s) for s in sorted(sdgs))
            gdc_s = ";".join(str(g) for g in sorted(gdc))
        else:
            x = M()
            if x < 0.12:
                y = M()
                if y < 0.4:
                    org = org + " "
                elif y < 0.8:
                    org = org.upper()
                elif y < 0.9:
                    org = " " + org
                else:
                    org = org + "  "
            if st_empty:
                stakeholder = ""
            else:
                al = ST_ALIASES[stype]
                stakeholder = al[int(M() * len(al))]
                y = M()
                if y < 0.1:
                    stakeholder = stakeholder.lower()
                elif y < 0.15:
                    stakeholder = stakeholder.upper()
            if cidx is None:
                countries = "INTERNATIONAL" if M() < 0.8 else "International"
            else:
                items = []
                for c in cidx:
                    iso2, iso3, names, upper = v.country_messy[c]
                    y = M()
                    if y < 0.25:
                        items.append(iso2)
                    elif y < 0.40:
                        items.append(iso3)
                    elif y < 0.75:
                        items.append(names[int(M() * len(names))])
                    elif y < 0.95:
                        items.append(upper)
                    else:
                        items.append(iso2.lower())
                countries = (";" if M() < 0.7 else "; ").join(items)
            coverage = messy_case(coverage, M())
            status = messy_case(status, M())
            if M() < 0.10:
                start_s = start_s[:4]
            forms = v.al_messy
            action_lines = (";" if M() < 0.6 else " | ").join(
                forms[a][int(M() * len(forms[a]))] for a in als)
            sf = v.sdg_messy
            y = M()
            sdg_s = (";" if y < 0.5 else ("; " if y < 0.8 else " | ")).join(
                sf[s - 1][int(M() * 8)] for s in sdgs)
            gdc_s = ";".join(str(g) if M() < 0.6 else f"Objective {g}" for g in gdc)

        writerow((
            f"WSIS-{i:010d}", title, description, org, stakeholder, countries, coverage, status,
            start_s, end_s, website, email, partners, activity, action_lines, sdg_s, gdc_s, submitted_s,
        ))


# ---------------------------------------------------------------------------
# prizes
# ---------------------------------------------------------------------------


def generate_prizes(rows: int, projects: int, seed: int, style: str, out) -> None:
    rng = Random(f"stocktake-prizes:{seed}")
    mrng = Random(f"stocktake-prizes-messy:{seed}")
    messy = style == "messy"
    groups = [(y, c) for y in range(2012, 2026) for c in range(len(AL_CODES))]
    if projects < 1:
        raise SystemExit("generate.py: --projects must be >= 1")
    if rows > len(groups) * projects:
        raise SystemExit(f"generate.py: at most {len(groups) * projects} prize rows fit "
                         f"{len(groups)} (year, category) groups and {projects} projects")
    sizes = []
    for _ in groups:
        win = 2 if rng.random() < 0.07 else 1
        champ = 4
        nom = rng.randint(4, 12)
        # never more entries in a group than there are projects
        while win + champ + nom > projects:
            if nom:
                nom -= 1
            elif champ:
                champ -= 1
            else:
                win -= 1
        sizes.append([win, champ, nom])
    total = sum(sum(s) for s in sizes)
    order = list(range(len(groups)))
    rng.shuffle(order)
    if rows <= total:
        selected, acc = [], 0
        for gi in order:
            if acc >= rows:
                break
            need = rows - acc
            win, champ, nom = sizes[gi]
            if win + champ + nom > need:
                win = min(win, need)
                champ = min(champ, need - win)
                nom = need - win - champ
                sizes[gi] = [win, champ, nom]
            selected.append(gi)
            acc += win + champ + nom
    else:
        remaining = rows - total
        while remaining:
            share = max(1, remaining // len(groups))
            for gi in order:
                room = projects - sum(sizes[gi])
                add = min(room, share, remaining)
                if add > 0:
                    sizes[gi][2] += add
                    remaining -= add
                    if not remaining:
                        break
        selected = order
    selected = sorted(selected)

    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(PRIZE_HEADER)
    for gi in selected:
        year, cat = groups[gi]
        win, champ, nom = sizes[gi]
        ids = rng.sample(range(1, projects + 1), win + champ + nom)
        code = AL_CODES[cat]
        upper = al_upper_title(code)
        for result, chunk in (("winner", ids[:win]), ("champion", ids[win:win + champ]),
                              ("nominee", ids[win + champ:])):
            for pid in sorted(chunk):
                category = upper if (messy and mrng.random() < 0.3) else code
                w.writerow((year, category, f"WSIS-{pid:010d}", result))


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------


def non_negative(text: str) -> int:
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return n


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Deterministic WSIS Stocktaking CSV fixture generator.")
    sub = p.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("projects", help="project catalogue CSV")
    pz = sub.add_parser("prizes", help="WSIS Prizes CSV referring to project external_ids")
    for sp in (pp, pz):
        sp.add_argument("--rows", type=non_negative, required=True, help="number of data rows")
        sp.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        sp.add_argument("--style", choices=["messy", "canonical"] + (["realistic"] if sp is pp else []), default="messy",
                        help="value spellings (default messy); realistic: link-heavy, staff spellings, ~1%% bad rows")
        sp.add_argument("--out", default="-", help="output file, '-' for standard output (default)")
    pz.add_argument("--projects", type=non_negative, required=True,
                    help="number of projects: external_ids are drawn from WSIS-0000000001..WSIS-<P>")
    args = p.parse_args(argv)

    if args.out == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    else:
        out = open(args.out, "w", encoding="utf-8", newline="", buffering=1 << 20)
    try:
        if args.command == "projects":
            generate_projects(args.rows, args.seed, args.style, out)
        else:
            generate_prizes(args.rows, args.projects, args.seed, args.style, out)
        out.flush()
    except BrokenPipeError:
        # e.g. piped into `head`: stop quietly (and keep the exit-time flush from failing)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if args.out != "-":
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
