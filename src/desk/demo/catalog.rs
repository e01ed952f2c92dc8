//! The fictional Pine Valley Unified School District: departments, people,
//! schools, and the kinds of requests they send. Pure data.

use crate::desk::{Channel, PriorityLevel, RequesterRole};

pub const DISTRICT: &str = "Pine Valley Unified School District";
pub const STAFF_DOMAIN: &str = "pvusd.org";
pub const STUDENT_DOMAIN: &str = "students.pvusd.org";

/// The departments, in queue-id order (id = index + 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dept {
    It,
    Hr,
    Transportation,
    FoodServices,
    Facilities,
    Communications,
}

impl Dept {
    pub const ALL: [Dept; 6] = [
        Dept::It,
        Dept::Hr,
        Dept::Transportation,
        Dept::FoodServices,
        Dept::Facilities,
        Dept::Communications,
    ];

    pub fn queue_id(self) -> i64 {
        Self::ALL.iter().position(|d| *d == self).unwrap_or(0) as i64 + 1
    }

    /// The department of a queue id; an unknown id (a queue added by hand) is IT's.
    pub fn from_queue_id(id: i64) -> Self {
        Self::ALL
            .into_iter()
            .find(|d| d.queue_id() == id)
            .unwrap_or(Dept::It)
    }

    pub fn name(self) -> &'static str {
        match self {
            Dept::It => "IT",
            Dept::Hr => "HR",
            Dept::Transportation => "Transportation",
            Dept::FoodServices => "Food Services",
            Dept::Facilities => "Facilities",
            Dept::Communications => "Communications",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Dept::It => "Devices, accounts, networks and classroom technology",
            Dept::Hr => "Payroll, benefits, hiring, leave and substitutes",
            Dept::Transportation => "Bus routes, stops, delays and field-trip transport",
            Dept::FoodServices => "Meal accounts, free and reduced meals, allergies, menus",
            Dept::Facilities => "Buildings, heating and cooling, repairs, custodial, grounds",
            Dept::Communications => "Website, social media, press, family notifications",
        }
    }
}

/// Agents: name and department. The first is the signed-in demo agent.
pub const AGENTS: &[(&str, Dept)] = &[
    ("Sam Okafor", Dept::It),
    ("Priya Raman", Dept::It),
    ("Diego Alvarez", Dept::It),
    ("Hannah Kim", Dept::It),
    ("Marcus Bell", Dept::Hr),
    ("Leticia Gomez", Dept::Hr),
    ("Tom Becker", Dept::Transportation),
    ("Aisha Mohammed", Dept::Transportation),
    ("Rosa Delgado", Dept::FoodServices),
    ("Kevin O'Brien", Dept::FoodServices),
    ("Grace Liu", Dept::Facilities),
    ("Walter Nguyen", Dept::Facilities),
    ("Nadia Petrova", Dept::Communications),
    ("Jamal Carter", Dept::Communications),
];

pub const SCHOOLS: &[&str] = &[
    "Lincoln Elementary",
    "Roosevelt Elementary",
    "Maple Grove Elementary",
    "Sunnyside Elementary",
    "Cedar Ridge Middle",
    "Jefferson Middle",
    "Riverside High",
    "Westview High",
];

pub const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Aaliyah", "Wei", "Fatima", "Noah", "Sofia", "Liam", "Amara", "Mateo",
    "Olivia", "Ethan", "Yuki", "Isabella", "Omar", "Chloe", "Daniel", "Zara", "Lucas", "Mia",
    "Kwame", "Emma", "Arjun", "Grace", "Elena", "Samuel", "Leila", "Benjamin", "Hana", "Gabriel",
    "Nia", "Jacob", "Ines", "Ryan", "Thuy", "Caleb", "Ana", "David", "Mei", "Isaac",
];

pub const LAST_NAMES: &[&str] = &[
    "Lopez",
    "Johnson",
    "Nguyen",
    "Smith",
    "Garcia",
    "Patel",
    "Williams",
    "Kim",
    "Brown",
    "Chen",
    "Martinez",
    "Davis",
    "Hernandez",
    "Wilson",
    "Ali",
    "Thompson",
    "Rodriguez",
    "Okoye",
    "Clark",
    "Tran",
    "Lewis",
    "Sato",
    "Walker",
    "Hassan",
    "Young",
    "Rivera",
    "King",
    "Novak",
    "Scott",
    "Ramirez",
];

pub const MAIL_DOMAINS: &[&str] = &["gmail.com", "outlook.com", "yahoo.com", "icloud.com"];

/// How many of each requester role the district has.
pub const ROLE_MIX: &[(RequesterRole, usize)] = &[
    (RequesterRole::Staff, 95),
    (RequesterRole::Student, 80),
    (RequesterRole::Parent, 95),
    (RequesterRole::Community, 30),
];

/// The channels each role writes in by, with weights.
pub fn channels_for(role: RequesterRole) -> &'static [(Channel, u32)] {
    match role {
        RequesterRole::Staff => &[
            (Channel::Email, 5),
            (Channel::Web, 4),
            (Channel::Phone, 2),
            (Channel::WalkIn, 1),
            (Channel::Chat, 2),
        ],
        RequesterRole::Student => &[(Channel::Web, 4), (Channel::Chat, 3), (Channel::Email, 2)],
        RequesterRole::Parent => &[
            (Channel::Email, 4),
            (Channel::Phone, 3),
            (Channel::Sms, 3),
            (Channel::Web, 3),
            (Channel::Social, 1),
        ],
        RequesterRole::Community | RequesterRole::Unknown => &[
            (Channel::Social, 3),
            (Channel::Email, 3),
            (Channel::Phone, 2),
            (Channel::Web, 1),
        ],
    }
}

/// One kind of request. Text placeholders: {school}, {room}, {bus}, {student},
/// {first} (the requester's first name), {agent}.
pub struct Scenario {
    pub dept: Dept,
    pub roles: &'static [RequesterRole],
    pub priority: PriorityLevel,
    pub subject: &'static str,
    pub opening: &'static str,
    /// The agent's first public answer.
    pub answer: &'static str,
    /// An internal note agents leave each other.
    pub note: &'static str,
    /// What the requester says back.
    pub follow_up: &'static str,
    pub tags: &'static [&'static str],
}

use PriorityLevel::{High, Low, Normal, Urgent};
use RequesterRole::{Community, Parent, Staff, Student};

pub const SCENARIOS: &[Scenario] = &[
    // IT
    Scenario {
        dept: Dept::It,
        roles: &[Staff],
        priority: High,
        subject: "Projector in room {room} will not connect to laptop",
        opening: "The projector in room {room} at {school} shows \"no signal\" from my laptop. I have a lesson at 1pm and need it working. I tried the HDMI and the wireless display.",
        answer: "Hi {first}, thanks for the details. Could you try the HDMI cable in the wall plate labelled \"Input 2\" and press Source twice on the remote? If that fails I can come by before 1pm.",
        note: "Room {room} projector was reported last month too; the wall plate may be loose. Bring a spare HDMI adapter.",
        follow_up: "Input 2 worked for now, but the picture flickers every few minutes.",
        tags: &["projector", "classroom-av"],
    },
    Scenario {
        dept: Dept::It,
        roles: &[Student, Parent],
        priority: Normal,
        subject: "Chromebook screen cracked - {student}",
        opening: "{student}'s Chromebook screen cracked when the backpack fell. It still turns on but half the screen is black. What do we need to do for a repair or loaner?",
        answer: "Thanks {first}. Please bring the Chromebook to the library at {school}; the media tech will swap in a loaner the same day. The first repair each year is covered.",
        note: "Asset tag not in the message. Check the 1:1 device list before the swap.",
        follow_up: "We dropped it off this morning and got the loaner, thank you.",
        tags: &["chromebook", "repair"],
    },
    Scenario {
        dept: Dept::It,
        roles: &[Staff, Student],
        priority: High,
        subject: "Password reset - locked out of account",
        opening: "I am locked out of my account after too many tries and cannot get into email or the gradebook. Can someone reset my password?",
        answer: "Hi {first}, I have reset your password and sent a temporary one to your recovery phone. You will be asked to choose a new one at sign-in.",
        note: "Third lockout this month for this account; suggest enrolling in self-service reset.",
        follow_up: "Got it, I am back in. Thanks!",
        tags: &["account", "password"],
    },
    Scenario {
        dept: Dept::It,
        roles: &[Staff],
        priority: Urgent,
        subject: "Wi-Fi down in the whole {school} library",
        opening: "None of the devices in the {school} library can get on the Wi-Fi since this morning. We have state testing scheduled this afternoon.",
        answer: "We see the access point in the library offline. A technician is on the way and we have a spare access point ready. I will update you within the hour.",
        note: "Switch port 14 on the library closet switch shows errors. PoE budget may be exceeded after the new cameras.",
        follow_up: "Still down as of now. Testing starts at 12:30.",
        tags: &["network", "wifi", "testing"],
    },
    Scenario {
        dept: Dept::It,
        roles: &[Staff],
        priority: Normal,
        subject: "Printer jam and toner low in main office",
        opening: "The main office printer at {school} keeps jamming on tray 2 and says toner is low. Attendance letters go out tomorrow.",
        answer: "Thanks {first}. Toner is on its way from the warehouse and I have put in a service call for the tray 2 rollers.",
        note: "Vendor contract covers rollers; ticket number to be added when the vendor replies.",
        follow_up: "Toner arrived. Tray 2 still jams with envelopes.",
        tags: &["printer"],
    },
    Scenario {
        dept: Dept::It,
        roles: &[Parent, Student],
        priority: Normal,
        subject: "Cannot log in to the student portal",
        opening: "My child cannot log in to the student portal to see assignments. It says the account is disabled.",
        answer: "Hi {first}, the account was disabled after the schedule change; it is enabled again now. Please try again and let us know.",
        note: "Schedule-change sync disables accounts for a day; known issue with the SIS import.",
        follow_up: "It works now, thank you.",
        tags: &["portal", "account"],
    },
    Scenario {
        dept: Dept::It,
        roles: &[Staff],
        priority: Low,
        subject: "Request: install software for robotics club",
        opening: "Could the robotics club software be installed on the 12 laptops in room {room}? The club starts next month.",
        answer: "Sure, {first}. I have added the package to the deployment for room {room}; it installs overnight.",
        note: "License is free for education; confirm the club's laptop list with the lab tech.",
        follow_up: "Two laptops still do not have it.",
        tags: &["software", "install"],
    },
    // HR
    Scenario {
        dept: Dept::Hr,
        roles: &[Staff],
        priority: High,
        subject: "Paycheck missing overtime hours",
        opening: "My last payroll did not include the 6 hours of overtime from the open house. My supervisor approved them.",
        answer: "Hi {first}, I found the approval. The hours will be paid as a correction on the next payroll run.",
        note: "Timesheet approved late, after the payroll cut-off. Add to the correction batch.",
        follow_up: "Thank you. Will the correction show on a separate stub?",
        tags: &["payroll"],
    },
    Scenario {
        dept: Dept::Hr,
        roles: &[Staff],
        priority: Normal,
        subject: "Question about benefits enrollment deadline",
        opening: "When is the deadline to add my spouse to my health benefits after our marriage? I could not find it in the handbook.",
        answer: "Congratulations, {first}! You have 30 days from the date of marriage. Please send a copy of the certificate with the change form.",
        note: "Qualifying life event; check the date on the certificate when it arrives.",
        follow_up: "Form and certificate attached.",
        tags: &["benefits"],
    },
    Scenario {
        dept: Dept::Hr,
        roles: &[Staff],
        priority: Urgent,
        subject: "No substitute teacher for room {room} tomorrow",
        opening: "I am out tomorrow for a family emergency and the substitute system shows no one assigned to room {room} at {school}.",
        answer: "Hi {first}, we are calling our priority substitutes now and will confirm by 6pm. Take care of your family.",
        note: "Sub pool is short this week; ask the building principal about internal coverage as a fallback.",
        follow_up: "Has anyone accepted yet?",
        tags: &["substitutes"],
    },
    Scenario {
        dept: Dept::Hr,
        roles: &[Community],
        priority: Normal,
        subject: "Application status for bus driver job",
        opening: "I applied for the bus driver position three weeks ago and have not heard back. Is the job still open?",
        answer: "Thank you for applying. The position is open and interviews are being scheduled; you should hear from us this week.",
        note: "Candidate passed the background check; forward to Transportation for the interview slot.",
        follow_up: "Great, I am available any weekday morning.",
        tags: &["hiring"],
    },
    Scenario {
        dept: Dept::Hr,
        roles: &[Staff],
        priority: Low,
        subject: "Leave request form for next month",
        opening: "Where can I find the leave request form? I need two days next month.",
        answer: "Hi {first}, the leave request form is in the staff portal under HR Forms. Submit it to your principal first.",
        note: "Common question; add the link to the staff newsletter.",
        follow_up: "Found it, thanks.",
        tags: &["leave"],
    },
    // Transportation
    Scenario {
        dept: Dept::Transportation,
        roles: &[Parent],
        priority: High,
        subject: "Bus {bus} late again this morning",
        opening: "Bus {bus} was 25 minutes late again this morning and the kids waited in the cold. This is the third time this week.",
        answer: "I am sorry, {first}. Bus {bus} has had a driver shortage on that route; a permanent driver starts Monday. We will text you if it runs late before then.",
        note: "Route {bus} covered by rotating drivers. Dispatcher to add a delay text to the family list.",
        follow_up: "It was late again today. Please do something.",
        tags: &["bus", "delay"],
    },
    Scenario {
        dept: Dept::Transportation,
        roles: &[Parent],
        priority: Urgent,
        subject: "Child not on bus {bus} - did not arrive home",
        opening: "My daughter did not get off bus {bus} at our stop and she is not answering her phone. Please call me right away.",
        answer: "{first}, the driver confirms she got off at the stop before yours with a friend. The school is calling you now.",
        note: "Escalated to dispatch and the {school} office at once. Driver confirmed by radio.",
        follow_up: "We found her at her friend's house. Thank you for the quick help.",
        tags: &["bus", "safety"],
    },
    Scenario {
        dept: Dept::Transportation,
        roles: &[Parent],
        priority: Normal,
        subject: "Request a new bus stop closer to our street",
        opening: "We moved and the nearest stop for bus {bus} is over a mile away along a road with no sidewalk. Can a stop be added?",
        answer: "Thanks {first}. Stop requests are reviewed every two weeks; I have added yours with the safety concern about the sidewalk.",
        note: "Check the route map; a stop at the corner of Elm and 5th would add two minutes.",
        follow_up: "Any update on the review?",
        tags: &["bus-stop"],
    },
    Scenario {
        dept: Dept::Transportation,
        roles: &[Staff],
        priority: Normal,
        subject: "Field trip transport for 3rd grade",
        opening: "We need two buses for the 3rd grade field trip to the science museum on the 14th, leaving {school} at 9:00.",
        answer: "Hi {first}, two buses are booked for the 14th, departing 9:00 and returning by 2:30. Please send the final headcount a week ahead.",
        note: "Drivers for the 14th: check availability against the regular midday runs.",
        follow_up: "Headcount is 58 students and 6 chaperones.",
        tags: &["field-trip"],
    },
    Scenario {
        dept: Dept::Transportation,
        roles: &[Community],
        priority: Low,
        subject: "School bus speeding on Oak Street",
        opening: "A school bus drives well above the limit on Oak Street most mornings around 7:40.",
        answer: "Thank you for reporting this. We have shared it with the route supervisor, who will ride along this week.",
        note: "Oak Street is on routes 7 and 12. Check GPS speed logs.",
        follow_up: "Saw it again this morning.",
        tags: &["bus", "safety"],
    },
    // Food Services
    Scenario {
        dept: Dept::FoodServices,
        roles: &[Parent],
        priority: Normal,
        subject: "Lunch account balance is wrong",
        opening: "I added $40 to {student}'s lunch account last week but the balance shows $2.15. Can you check?",
        answer: "Hi {first}, the payment went to a sibling's account by mistake. I have moved the $40 over; the balance is now correct.",
        note: "Family has two students with the same last name; payment portal picked the first.",
        follow_up: "I see it now, thanks.",
        tags: &["lunch-account"],
    },
    Scenario {
        dept: Dept::FoodServices,
        roles: &[Parent],
        priority: High,
        subject: "Peanut allergy - lunch served with peanut butter",
        opening: "{student} has a documented peanut allergy and was served a meal with peanut butter today at {school}. Thankfully the aide caught it.",
        answer: "{first}, I am very sorry. I have confirmed the allergy flag on the account and met with the kitchen staff at {school} this morning.",
        note: "Allergy flag was on the account but the new point-of-sale screen did not show it. Report to the vendor.",
        follow_up: "Thank you for taking this seriously.",
        tags: &["allergy", "safety"],
    },
    Scenario {
        dept: Dept::FoodServices,
        roles: &[Parent],
        priority: Normal,
        subject: "Free and reduced meal application status",
        opening: "I submitted the free and reduced meal application two weeks ago. How long does approval take?",
        answer: "Hi {first}, your application was approved yesterday. Benefits start on Monday and a letter is in the mail.",
        note: "Approval letter batch goes out Fridays.",
        follow_up: "Great news, thank you.",
        tags: &["meal-benefits"],
    },
    Scenario {
        dept: Dept::FoodServices,
        roles: &[Staff],
        priority: Urgent,
        subject: "Walk-in freezer not holding temperature at {school}",
        opening: "The kitchen walk-in freezer at {school} reads 18F and rising. We have this week's food in it.",
        answer: "We are moving the stock to the Jefferson kitchen now and Facilities is sending the refrigeration tech.",
        note: "Loop in Facilities; compressor replaced last spring under warranty.",
        follow_up: "Tech is here. Compressor fan failed.",
        tags: &["kitchen", "equipment"],
    },
    Scenario {
        dept: Dept::FoodServices,
        roles: &[Student, Community],
        priority: Low,
        subject: "Suggestion for vegetarian lunch options",
        opening: "Could the lunch menu have more vegetarian choices? Many of us would choose them.",
        answer: "Thank you for the suggestion! The menu committee meets next month and will review more vegetarian options.",
        note: "Add to the menu committee agenda.",
        follow_up: "Thanks, glad to hear it.",
        tags: &["menu"],
    },
    // Facilities
    Scenario {
        dept: Dept::Facilities,
        roles: &[Staff],
        priority: High,
        subject: "No heat in classroom {room}",
        opening: "Room {room} at {school} is 58 degrees this morning. Students are wearing coats.",
        answer: "Hi {first}, a technician will be at {school} within two hours. Space heaters are on the way to the front office.",
        note: "Zone valve for that wing failed in November too. Order a replacement.",
        follow_up: "Still cold after lunch.",
        tags: &["hvac", "heating"],
    },
    Scenario {
        dept: Dept::Facilities,
        roles: &[Staff],
        priority: Urgent,
        subject: "Water leak in gym ceiling",
        opening: "Water is dripping from the gym ceiling at {school} onto the floor near the bleachers after last night's rain.",
        answer: "We have a crew coming to put down protection and check the roof drains. Please keep students off that side.",
        note: "Roof drains were due for cleaning; schedule the roofer for an inspection.",
        follow_up: "The leak got worse at 2pm.",
        tags: &["roof", "leak"],
    },
    Scenario {
        dept: Dept::Facilities,
        roles: &[Staff],
        priority: Normal,
        subject: "Broken lock on room {room} door",
        opening: "The lock on the door to room {room} at {school} does not latch. We cannot lock the room for drills.",
        answer: "Thanks {first}. The locksmith is scheduled for tomorrow morning.",
        note: "Safety item: lockdown drills need every classroom door to lock. Priority for the locksmith.",
        follow_up: "Locksmith has not come yet.",
        tags: &["doors", "safety"],
    },
    Scenario {
        dept: Dept::Facilities,
        roles: &[Community],
        priority: Low,
        subject: "Field lights left on overnight at {school}",
        opening: "The athletic field lights at {school} have been on all night for the past three nights.",
        answer: "Thank you for letting us know. The lighting timer will be reset today.",
        note: "Timer lost its schedule after the power outage.",
        follow_up: "They were off last night, thanks.",
        tags: &["grounds", "lighting"],
    },
    Scenario {
        dept: Dept::Facilities,
        roles: &[Staff],
        priority: Normal,
        subject: "Custodial request: spill in hallway",
        opening: "There is a large spill outside the cafeteria at {school}; someone could slip.",
        answer: "The day custodian is on the way now.",
        note: "Day custodian covering two buildings today.",
        follow_up: "Cleaned up, thanks.",
        tags: &["custodial"],
    },
    // Communications
    Scenario {
        dept: Dept::Communications,
        roles: &[Community, Parent],
        priority: High,
        subject: "Social post about school closure is wrong",
        opening: "Your social media post says {school} is closed tomorrow but the website says it is open. Which is right?",
        answer: "Thank you for catching that. {school} is open tomorrow; the post was for another district and has been corrected.",
        note: "Scheduled post went to the wrong account. Review the scheduling tool permissions.",
        follow_up: "Thanks for the quick fix.",
        tags: &["social-media", "correction"],
    },
    Scenario {
        dept: Dept::Communications,
        roles: &[Community],
        priority: Normal,
        subject: "Press inquiry: new bell schedule",
        opening: "I am a reporter with the Pine Valley Gazette. Could someone comment on the new bell schedule for next year?",
        answer: "Thank you for reaching out. The superintendent's office will send a statement by Thursday.",
        note: "Coordinate with the superintendent's office before replying with details.",
        follow_up: "Any update on the statement?",
        tags: &["press"],
    },
    Scenario {
        dept: Dept::Communications,
        roles: &[Parent],
        priority: Normal,
        subject: "Not receiving emergency text notifications",
        opening: "I did not get the text about the early release yesterday. My phone number is up to date.",
        answer: "Hi {first}, your number was marked as opted out after a reply of STOP. Reply START to the district number to opt back in.",
        note: "Carrier opt-out; nothing to fix on our side.",
        follow_up: "Did that, I got the test message.",
        tags: &["notifications"],
    },
    Scenario {
        dept: Dept::Communications,
        roles: &[Staff],
        priority: Low,
        subject: "Update the website staff directory",
        opening: "Please update the website staff directory for {school}: two new teachers started this month.",
        answer: "Hi {first}, the directory for {school} is updated. Let us know if anything else changed.",
        note: "Directory export from HR is a month behind.",
        follow_up: "Looks good, thanks.",
        tags: &["website"],
    },
    Scenario {
        dept: Dept::Communications,
        roles: &[Parent],
        priority: Normal,
        subject: "Newsletter translation into Spanish",
        opening: "Could the school newsletter also be sent in Spanish? Many families at {school} would read it.",
        answer: "Gracias, {first}. Starting next month the newsletter will be sent in English and Spanish.",
        note: "Translation service contract allows two languages at no extra cost.",
        follow_up: "Wonderful, thank you!",
        tags: &["newsletter", "translation"],
    },
];
