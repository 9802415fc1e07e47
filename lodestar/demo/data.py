"""The raw material of the demo: places, names, industries, skills and the program's story.

Everything here is plain data (no Django), so the generator can draw from it with a seeded
random generator and produce the same people every time. Organisations are invented.
"""

from dataclasses import dataclass
from datetime import date, time

DEMO_DOMAIN = "demo.lodestar.test"
# Published in the README on purpose: demo accounts only, never a real deployment's.
DEMO_PASSWORD = "lodestar-demo"  # noqa: S105  # nosec B105

PROGRAM_SLUG = "northstar-2027"
PROGRAM_NAME = "Northstar Mentoring 2027"
PROGRAM_DATES = (date(2027, 1, 18), date(2027, 7, 16))
PROGRAM_DESCRIPTION = """\
Northstar Mentoring pairs people early in their careers with experienced professionals in \
fourteen cities on five continents. For six months each pair meets every two weeks, agrees a \
few goals and works through them together: a first management role, a move into tech, a first \
conference talk, a funding bid that finally lands.

Northstar began in 2021, when a handful of engineers in Lagos and London started mentoring \
graduates over lunchtime video calls. This is the seventh cohort and the first open to every \
industry: software, finance, healthcare, education, the public sector, design, energy, retail, \
media and non-profits.

Apply by 8 January 2027. Tell us what you want to learn, which languages you speak and when \
you can meet; the coordinators match every mentee with a mentor whose experience, languages \
and hours fit, and introduce each pair before the first session in the week of 18 January.\
"""

OPEN_SLUG = "northstar-open-2027"
OPEN_NAME = "Northstar Open Mentoring 2027"
OPEN_DESCRIPTION = """\
Open mentoring for Northstar alumni and friends: browse the mentors, read why each one is \
suggested for you, and ask the one you want. Mentors answer within a week; a request with no \
answer moves on to your next choice.\
"""

DRAFT_SLUG = "northstar-circles-2027"
DRAFT_NAME = "Northstar Leadership Circles 2027"
DRAFT_DATES = (date(2027, 9, 6), date(2027, 12, 17))
DRAFT_DESCRIPTION = """\
A pilot for the autumn: small circles of four or five new managers, each guided by one \
experienced leader, meeting monthly to work through real situations from their week. Still \
being planned — the intake form is half written.\
"""

FLASH_SLUG = "northstar-office-hours-2027"
FLASH_NAME = "Northstar Office Hours"
FLASH_DESCRIPTION = """\
Short sessions with an experienced professional, one question at a time. Mentors open office \
hours — every week or now and then, alone or for a small group — and you book a half hour to \
talk through a CV, an interview next week, a tricky conversation with your manager or your \
first steps in a new field. Up to three sessions a month; after a good one you can book a \
follow-up, or ask the mentor for a longer mentorship.\
"""
# What mentees of the flash program ask before a session.
FLASH_QUESTIONS = (
    "I have a final-round interview next week for a data role. Could we rehearse the "
    "behavioural questions?",
    "Could you look at my CV? I am moving from retail into software and it still reads like a "
    "shop manager's.",
    "My manager wants me to present our results to the board. How do I keep it to ten minutes?",
    "I was offered a team lead role. What should I ask before I say yes?",
    "How do I ask for a raise when the company has just announced a hiring freeze?",
    "I keep saying yes to everything. How do you decide what to turn down?",
    "Which portfolio projects actually impress hiring managers in UX research?",
    "I want to move into product management. Where do I start without a technical degree?",
)


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    name: str


COORDINATOR = Login(f"coordinator@{DEMO_DOMAIN}", "coordinator", "Amara Okafor")
MENTOR = Login(f"mentor@{DEMO_DOMAIN}", "mentor", "Priya Raman")
MENTEE = Login(f"mentee@{DEMO_DOMAIN}", "mentee", "Lucas Ferreira")
ADMIN = Login(f"admin@{DEMO_DOMAIN}", "site admin", "Jordan Ellis")
LOGINS = (COORDINATOR, MENTOR, MENTEE, ADMIN)


# --- places -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    timezone: str
    weight: int
    cities: tuple[str, ...]
    # (culture, weight): whose names are common here.
    cultures: tuple[tuple[str, int], ...]
    # (language code, probability that a person here lists it).
    languages: tuple[tuple[str, float], ...]


REGIONS = (
    Region(
        "America/New_York",
        9,
        ("New York, USA", "Boston, USA", "Toronto, Canada", "Philadelphia, USA"),
        (("anglo", 5), ("hispanic", 2), ("indian", 1), ("chinese", 1), ("korean", 1)),
        (("en", 1.0), ("fr", 0.05)),
    ),
    Region(
        "America/Chicago",
        5,
        ("Chicago, USA", "Austin, USA", "Houston, USA", "Minneapolis, USA"),
        (("anglo", 4), ("hispanic", 3), ("indian", 1)),
        (("en", 1.0),),
    ),
    Region(
        "America/Los_Angeles",
        6,
        ("San Francisco, USA", "Los Angeles, USA", "Seattle, USA", "Vancouver, Canada"),
        (("anglo", 3), ("hispanic", 2), ("chinese", 2), ("indian", 2), ("korean", 1)),
        (("en", 1.0),),
    ),
    Region(
        "America/Sao_Paulo",
        5,
        ("São Paulo, Brazil", "Rio de Janeiro, Brazil", "Belo Horizonte, Brazil"),
        (("brazilian", 1),),
        (("pt", 1.0), ("en", 0.75), ("es", 0.2)),
    ),
    Region(
        "Europe/London",
        9,
        ("London, United Kingdom", "Manchester, United Kingdom", "Edinburgh, United Kingdom"),
        (("anglo", 5), ("indian", 2), ("nigerian", 1), ("arabic", 1)),
        (("en", 1.0), ("fr", 0.1)),
    ),
    Region(
        "Europe/Berlin",
        6,
        ("Berlin, Germany", "Munich, Germany", "Hamburg, Germany"),
        (("german", 5), ("turkish", 1)),
        (("de", 1.0), ("en", 0.9)),
    ),
    Region(
        "Europe/Paris",
        5,
        ("Paris, France", "Lyon, France", "Marseille, France"),
        (("french", 4), ("arabic", 1)),
        (("fr", 1.0), ("en", 0.85)),
    ),
    Region(
        "Africa/Lagos",
        6,
        ("Lagos, Nigeria", "Abuja, Nigeria", "Ibadan, Nigeria"),
        (("nigerian", 1),),
        (("en", 1.0),),
    ),
    Region(
        "Africa/Nairobi",
        5,
        ("Nairobi, Kenya", "Mombasa, Kenya", "Kisumu, Kenya"),
        (("kenyan", 1),),
        (("en", 1.0), ("sw", 0.9)),
    ),
    Region(
        "Asia/Dubai",
        2,
        ("Dubai, United Arab Emirates", "Abu Dhabi, United Arab Emirates"),
        (("arabic", 3), ("indian", 2)),
        (("en", 1.0),),
    ),
    Region(
        "Asia/Kolkata",
        7,
        ("Bengaluru, India", "Mumbai, India", "Delhi, India", "Chennai, India", "Pune, India"),
        (("indian", 1),),
        (("en", 1.0),),
    ),
    Region(
        "Asia/Singapore",
        3,
        ("Singapore",),
        (("chinese", 3), ("indian", 1)),
        (("en", 1.0), ("ms", 0.2)),
    ),
    Region(
        "Asia/Tokyo",
        3,
        ("Tokyo, Japan", "Osaka, Japan"),
        (("japanese", 1),),
        (("ja", 1.0), ("en", 0.65)),
    ),
    Region(
        "Australia/Sydney",
        4,
        ("Sydney, Australia", "Melbourne, Australia", "Brisbane, Australia"),
        (("anglo", 4), ("chinese", 1), ("indian", 1), ("korean", 1)),
        (("en", 1.0),),
    ),
)

# --- names ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Culture:
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    # Languages people of this heritage often also speak, wherever they live.
    languages: tuple[tuple[str, float], ...] = ()


CULTURES = {
    "anglo": Culture(
        ("Emma", "Olivia", "Grace", "Hannah", "Claire", "Rachel", "Megan", "Laura", "Chloe"),
        ("James", "Daniel", "Michael", "Thomas", "Ryan", "Ben", "Owen", "Nathan", "Callum"),
        ("Smith", "Johnson", "Walker", "Bennett", "Hughes", "Carter", "Murphy", "Foster", "Reid"),
    ),
    "hispanic": Culture(
        ("Sofía", "Valentina", "Camila", "Lucía", "Mariana", "Gabriela", "Daniela"),
        ("Mateo", "Santiago", "Diego", "Alejandro", "Javier", "Andrés", "Carlos"),
        ("García", "Rodríguez", "Martínez", "Hernández", "López", "Gómez", "Castillo", "Rivera"),
        (("es", 0.8),),
    ),
    "brazilian": Culture(
        ("Ana", "Beatriz", "Larissa", "Juliana", "Fernanda", "Camila", "Isabela"),
        ("João", "Lucas", "Gabriel", "Rafael", "Thiago", "Felipe", "Bruno"),
        ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Almeida", "Ferreira", "Carvalho"),
    ),
    "nigerian": Culture(
        ("Adaeze", "Chiamaka", "Funmilayo", "Ngozi", "Temitope", "Folake", "Ifeoma"),
        ("Chinedu", "Emeka", "Babatunde", "Olumide", "Tunde", "Ikenna", "Segun"),
        ("Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze", "Okonkwo", "Adebayo", "Obi"),
        (("ig", 0.3),),
    ),
    "kenyan": Culture(
        ("Wanjiru", "Achieng", "Njeri", "Akinyi", "Nyambura", "Wambui", "Chebet"),
        ("Kamau", "Otieno", "Mwangi", "Kiprop", "Omondi", "Baraka", "Kipchoge"),
        ("Mwangi", "Otieno", "Kariuki", "Wafula", "Njoroge", "Odhiambo", "Kimani", "Mutua"),
    ),
    "indian": Culture(
        ("Priya", "Ananya", "Kavya", "Divya", "Meera", "Shreya", "Aisha", "Lakshmi"),
        ("Arjun", "Rohan", "Vikram", "Aditya", "Rahul", "Karthik", "Sanjay", "Imran"),
        ("Sharma", "Iyer", "Patel", "Reddy", "Banerjee", "Nair", "Gupta", "Menon", "Khan"),
        (("hi", 0.6), ("ta", 0.15), ("bn", 0.1), ("mr", 0.1), ("te", 0.1)),
    ),
    "chinese": Culture(
        ("Mei Ling", "Xin Yi", "Hui Min", "Jia Hui", "Li Na", "Wen Qi"),
        ("Wei Jie", "Jun Hao", "Zhi Hao", "Kai Wen", "Ming", "Jian"),
        ("Tan", "Lim", "Ng", "Wong", "Chen", "Lee", "Goh", "Zhang"),
    ),
    "korean": Culture(
        ("Ji-woo", "Seo-yeon", "Min-ji", "Ha-eun", "Soo-ah"),
        ("Min-jun", "Ji-ho", "Seo-jun", "Do-yoon", "Joon-ho"),
        ("Kim", "Park", "Lee", "Choi", "Jung", "Kang"),
        (("ko", 0.7),),
    ),
    "japanese": Culture(
        ("Yuki", "Haruka", "Aoi", "Sakura", "Misaki", "Naomi"),
        ("Haruto", "Takeshi", "Kenji", "Daiki", "Ren", "Sota"),
        ("Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Yamamoto", "Nakamura"),
    ),
    "german": Culture(
        ("Anna", "Lena", "Katharina", "Johanna", "Miriam", "Sophie", "Laura"),
        ("Lukas", "Jonas", "Felix", "Maximilian", "Tobias", "Jan", "Moritz"),
        ("Müller", "Schmidt", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Schulz"),
    ),
    "french": Culture(
        ("Camille", "Chloé", "Manon", "Léa", "Inès", "Claire", "Juliette"),
        ("Louis", "Hugo", "Antoine", "Julien", "Théo", "Mathieu", "Nicolas"),
        ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefèvre", "Girard", "Roux"),
    ),
    "arabic": Culture(
        ("Layla", "Amira", "Yasmin", "Noor", "Salma", "Rania"),
        ("Omar", "Karim", "Youssef", "Tariq", "Hassan", "Samir"),
        ("Haddad", "Mansour", "Khalil", "Nasser", "Saleh", "Farouk", "Aziz"),
        (("ar", 0.8),),
    ),
    "turkish": Culture(
        ("Elif", "Zeynep", "Ayşe", "Deniz", "Merve"),
        ("Emre", "Mehmet", "Can", "Burak", "Kerem"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın"),
        (("tr", 0.85),),
    ),
}

# --- work -------------------------------------------------------------------------------------

# What mentees can ask to learn and mentors can offer: the choices of the paired questions,
# and tags on people's profiles.
TOPICS = (
    "Leadership",
    "People management",
    "Public speaking",
    "Negotiation",
    "Career change",
    "Product management",
    "Data analysis",
    "Software engineering",
    "UX research",
    "Project management",
    "Financial literacy",
    "Marketing strategy",
    "Fundraising",
    "Entrepreneurship",
    "Writing",
    "Stakeholder management",
    "Building confidence",
    "Work-life balance",
)
# Topics any experienced person can speak to, whatever their field.
GENERAL_TOPICS = (
    "Leadership",
    "People management",
    "Public speaking",
    "Negotiation",
    "Stakeholder management",
    "Building confidence",
    "Work-life balance",
    "Writing",
)

INTERESTS = (
    "Open source",
    "Climate action",
    "Diversity and inclusion",
    "Volunteering",
    "Startups",
    "Public policy",
    "Photography",
    "Running",
    "Music",
    "Cooking",
    "Chess",
    "Travel",
    "Reading",
    "Hiking",
    "Podcasts",
    "Gardening",
)


@dataclass(frozen=True)
class Industry:
    name: str
    organisations: tuple[str, ...]
    departments: tuple[str, ...]
    # Job title by seniority level, 1 (student) to 7 (executive).
    titles: tuple[str, str, str, str, str, str, str]
    skills: tuple[str, ...]
    topics: tuple[str, ...]


INDUSTRIES = (
    Industry(
        "Software",
        ("Brightloop", "Kestrel Labs", "Tessellate", "Orbitware", "Fernbank Software"),
        ("Engineering", "Product", "Data", "Platform"),
        (
            "Computer science student",
            "Junior software developer",
            "Software engineer",
            "Senior software engineer",
            "Engineering manager",
            "Director of engineering",
            "Chief technology officer",
        ),
        ("Python", "JavaScript", "Cloud infrastructure", "System design", "Code review", "SQL"),
        ("Software engineering", "Data analysis", "Product management"),
    ),
    Industry(
        "Finance",
        ("Harbourline Bank", "Meridian Capital", "Copperleaf Insurance", "Northgate Payments"),
        ("Risk", "Treasury", "Corporate finance", "Payments"),
        (
            "Finance student",
            "Junior analyst",
            "Financial analyst",
            "Senior financial analyst",
            "Finance manager",
            "Finance director",
            "Chief financial officer",
        ),
        ("Financial modelling", "Risk management", "Accounting", "Excel", "Regulatory compliance"),
        ("Financial literacy", "Data analysis", "Negotiation"),
    ),
    Industry(
        "Healthcare",
        ("Lumen Health", "Cedar Clinics", "Helix Diagnostics", "Riverside Health Trust"),
        ("Clinical research", "Nursing", "Operations", "Digital health"),
        (
            "Nursing student",
            "Graduate nurse",
            "Clinical research associate",
            "Senior clinical research associate",
            "Clinical operations manager",
            "Director of clinical operations",
            "Chief medical officer",
        ),
        ("Clinical research", "Patient safety", "Health informatics", "Research ethics"),
        ("Project management", "Data analysis", "Leadership"),
    ),
    Industry(
        "Education",
        (
            "Oakridge Academy",
            "Brightpath Schools",
            "Hillcrest High School",
            "Open Horizons College",
        ),
        ("Mathematics", "Sciences", "Languages", "Student support"),
        (
            "Student teacher",
            "Teaching assistant",
            "Teacher",
            "Head of department",
            "Deputy head teacher",
            "Head teacher",
            "Chief executive of a school trust",
        ),
        ("Curriculum design", "Classroom management", "Assessment", "Educational technology"),
        ("Public speaking", "Writing", "People management"),
    ),
    Industry(
        "Public sector",
        (
            "Municipal Transport Authority",
            "Department of Housing",
            "National Statistics Office",
            "Regional Health Authority",
        ),
        ("Policy", "Digital services", "Housing", "Transport"),
        (
            "Public policy student",
            "Policy officer",
            "Policy adviser",
            "Senior policy adviser",
            "Head of policy",
            "Deputy director",
            "Director general",
        ),
        ("Policy analysis", "Public procurement", "Service design", "Evidence synthesis"),
        ("Stakeholder management", "Writing", "Project management"),
    ),
    Industry(
        "Design",
        ("Studio Ember", "Pixel & Pine", "Fieldwork Design", "Northlight Studio"),
        ("Product design", "Research", "Brand"),
        (
            "Design student",
            "Junior product designer",
            "Product designer",
            "Senior product designer",
            "Design lead",
            "Head of design",
            "Chief design officer",
        ),
        ("Interaction design", "Prototyping", "Design systems", "Usability testing"),
        ("UX research", "Product management", "Public speaking"),
    ),
    Industry(
        "Energy",
        ("Solace Renewables", "Greywind Energy", "Tidewater Power", "Helios Grid"),
        ("Solar projects", "Grid operations", "Sustainability"),
        (
            "Engineering student",
            "Graduate energy analyst",
            "Energy analyst",
            "Senior project engineer",
            "Project manager",
            "Director of renewables",
            "Chief operating officer",
        ),
        ("Renewable energy", "Energy markets", "Project finance", "Sustainability reporting"),
        ("Project management", "Data analysis", "Stakeholder management"),
    ),
    Industry(
        "Retail",
        ("Marlow & Co", "Basketful", "Urban Pantry", "Trailhead Outfitters"),
        ("Buying", "E-commerce", "Store operations", "Supply chain"),
        (
            "Business student",
            "Assistant store manager",
            "Merchandising analyst",
            "Senior buyer",
            "Regional operations manager",
            "Director of e-commerce",
            "Chief commercial officer",
        ),
        ("Merchandising", "Supply chain", "Customer experience", "Pricing"),
        ("Marketing strategy", "Negotiation", "Entrepreneurship"),
    ),
    Industry(
        "Media and marketing",
        ("Loudwater Media", "Signal & Noise", "Bluebird Agency", "Paper Lantern"),
        ("Content", "Brand", "Growth"),
        (
            "Marketing student",
            "Marketing assistant",
            "Marketing executive",
            "Senior marketing manager",
            "Head of marketing",
            "Marketing director",
            "Chief marketing officer",
        ),
        ("Content strategy", "SEO", "Brand strategy", "Copywriting"),
        ("Marketing strategy", "Writing", "Entrepreneurship"),
    ),
    Industry(
        "Non-profit",
        ("Open Doors Foundation", "Waterline Trust", "Shared Futures", "Kindred Literacy"),
        ("Programmes", "Fundraising", "Partnerships"),
        (
            "Social policy student",
            "Programme assistant",
            "Programme officer",
            "Senior programme manager",
            "Head of fundraising",
            "Director of programmes",
            "Executive director",
        ),
        ("Grant writing", "Volunteer management", "Impact measurement", "Community organising"),
        ("Fundraising", "Stakeholder management", "Leadership"),
    ),
)
INDUSTRY_NAMES = tuple(industry.name for industry in INDUSTRIES)
UNIVERSITIES = (
    "Lakeside University",
    "Eastbrook Institute of Technology",
    "Coastal University",
    "Riverbend College",
)

# Seniority level: (weight among mentors, weight among mentees, (fewest, most) years).
SENIORITY = {
    1: (0, 3, (0, 1)),
    2: (0, 4, (1, 3)),
    3: (1, 3, (3, 7)),
    4: (5, 0, (6, 12)),
    5: (5, 0, (8, 18)),
    6: (2, 0, (12, 25)),
    7: (1, 0, (18, 32)),
}
# Leaning to 3, so that forty mentors can take most (not all) of 120 mentees: a few wait.
CAPACITY_WEIGHTS = {1: 1, 2: 3, 3: 6}

# --- the week ---------------------------------------------------------------------------------

# Local-time habits. Weekday patterns never overlap each other, and weekend ones fall on other
# days, so any mix of patterns is a valid week.
WEEKDAY_PATTERNS = {
    "early": ((time(7, 30), time(8, 30)), (time(8, 0), time(9, 0))),
    "lunch": ((time(12, 0), time(13, 0)), (time(12, 30), time(13, 30))),
    "afternoon": ((time(14, 0), time(16, 0)), (time(15, 0), time(17, 0))),
    "evening": (
        (time(18, 0), time(20, 0)),
        (time(18, 30), time(20, 0)),
        (time(19, 0), time(21, 0)),
    ),
}
WEEKEND_WINDOWS = ((5, time(9, 0), time(11, 0)), (6, time(10, 0), time(12, 0)))

# --- words ------------------------------------------------------------------------------------

TOPIC_NEEDS = {
    "Leadership": "leading a team for the first time without losing touch with the work",
    "People management": "giving honest feedback and running one-to-ones that help",
    "Public speaking": "presenting to senior people without freezing",
    "Negotiation": "negotiating my salary and the scope of my projects",
    "Career change": "working out which of my skills carry over to a new field",
    "Product management": "deciding what to build next and saying no gracefully",
    "Data analysis": "turning messy spreadsheets into findings people act on",
    "Software engineering": "writing code that others can read, test and maintain",
    "UX research": "running interviews and usability tests that change decisions",
    "Project management": "planning work realistically and keeping it on track",
    "Financial literacy": "reading a budget and making the case for money",
    "Marketing strategy": "choosing the few channels that actually reach people",
    "Fundraising": "writing funding bids that get past the first round",
    "Entrepreneurship": "testing a business idea before I quit my job for it",
    "Writing": "writing short, clear documents people read to the end",
    "Stakeholder management": "keeping busy stakeholders informed and on side",
    "Building confidence": "speaking up in meetings where I am the youngest person",
    "Work-life balance": "setting boundaries so work does not swallow my evenings",
}

MENTEE_OPENINGS = (
    "I'm {article} {title_lower} at {organisation} in {city}.",
    "I work as {article} {title_lower} at {organisation}, based in {city}.",
    "I've been {article} {title_lower} at {organisation} for a while now.",
)
STUDENT_OPENINGS = (
    "I'm studying at {organisation} in {city} and finish my degree next summer.",
    "I'm in the final year of my course at {organisation} in {city}.",
)
AMBITIONS = {
    "first_job": "Over the next six months I want to land my first full-time role in {target}.",
    "grow": "Over the next six months I want to take on more ownership and grow into a senior role.",
    "lead": "I want to step up to leading a small team within a year.",
    "change": "I want to move from {industry} into {target}, and I'm not sure where to start.",
}
MENTEE_CLOSINGS = (
    "Most of all I'd like help with {needs}.",
    "The things I'd most like to work on are {needs}.",
    "I'd value someone who can help me with {needs}.",
)

MENTOR_STORIES = (
    "I started out as {article} {first_title_lower} and have hired and coached dozens of people since.",
    "I changed careers in my thirties, so I know how daunting the first step is.",
    "I was the first in my family to go to university and had a mentor who changed my path.",
    "I've led teams spread across four time zones and learnt a lot about async work.",
    "I care about helping people from under-represented backgrounds get their first break.",
    "I've mentored in two earlier Northstar cohorts and still meet one of my mentees for coffee.",
    "I've made most of the mistakes there are to make, and I'm happy to share them.",
    "Outside work I volunteer with a local careers programme for school leavers.",
)
MENTOR_STYLES = {
    1: "I like open conversations that follow whatever is on your mind.",
    2: "I like relaxed conversations with one or two things to try before we next meet.",
    3: "I like a light agenda and a few notes between sessions.",
    4: "I like clear goals, an agenda for each session and small actions in between.",
    5: "I like a written plan, an agenda every time and homework between sessions.",
}

PRONOUNS = {"women": "she/her", "men": "he/him"}

REQUEST_MESSAGES = (
    "Your path from engineering into product is exactly the move I hope to make. Could we talk "
    "about how you learned to say no to a roadmap?",
    "I am preparing my first conference talk and your profile says you have given dozens. Would "
    "you mentor me through the next three months?",
    "I lead a team for the first time since March and I would value someone who has been "
    "through it. Fortnightly calls would suit me well.",
    "I want to move from finance into climate work, and you have done it. Would you take me on?",
)
