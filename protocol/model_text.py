"""The model protocol a new council starts from: our own words, written for this project.
Each section: its number, heading, body (paragraphs separated by a blank line; a list item is a
line starting with "- "), and, in the expectations sections, the expectations in each direction.

Over 600 lines on purpose: it is prose, the whole of one document, which reads best in one
place; there is no logic in it."""

FROM_OFFICERS = "from_officers"  # what councillors can expect from officers
FROM_COUNCILLORS = "from_councillors"  # what officers can expect from councillors

MODEL_TITLE = "Protocol on Member/Officer Relations"

MODEL_SECTIONS: list[dict] = [
    {
        "number": "1",
        "heading": "About this protocol",
        "body": (
            "This protocol explains how the council's councillors and its staff work together. "
            "Councillors are also called members. The clerk and any other paid staff are called "
            "officers.\n\n"
            "Councillors and officers do different jobs, but both serve the public. The council "
            "works well when each side understands the other's role, trusts the other and "
            "handles disagreements calmly and fairly.\n\n"
            "The protocol covers:\n\n"
            "- the roles of councillors, the chair and officers\n"
            "- what each side can expect from the other\n"
            "- how councillors get information, and how requests and instructions are made\n"
            "- correspondence, the press and political groups\n"
            "- what to do when something goes wrong\n\n"
            "Read it alongside the law, the council's standing orders and financial regulations, "
            "the Code of Conduct for councillors and the officers' terms of employment. If this "
            "protocol and the law ever differ, the law applies."
        ),
        "expectations": [],
    },
    {
        "number": "1.1",
        "heading": "How the portal supports this protocol",
        "body": (
            "The council runs much of this protocol through its online portal. The portal does "
            "more than record the rules: it applies them. For example, it works out due dates "
            "for information requests, stops confidential letters going to third parties, and "
            "makes sure nobody handles a concern about themselves.\n\n"
            "The portal records every change and every step: who acted, when, and what changed. "
            "Anyone allowed to see an item can also see its history. Concerns stay private and "
            "never appear on a public page.\n\n"
            "Members of the public can read the version of this protocol the council has "
            "adopted, when it was adopted, when it is due for review, and the versions it "
            "replaced."
        ),
        "expectations": [],
    },
    {
        "number": "2",
        "heading": "Roles",
        "body": (
            "Councillors and officers both work for local people, but in different ways. "
            "Councillors are elected or co-opted, and they answer to the people they represent. "
            "Officers are employed by the council and answer to the whole council, through the "
            "Proper Officer.\n\n"
            "Each needs the other. Councillors set direction and make decisions; officers give "
            "advice and put those decisions into effect."
        ),
        "expectations": [],
    },
    {
        "number": "2.1",
        "heading": "Councillors",
        "body": (
            "The council's decisions are made by councillors acting together, at council and "
            "committee meetings. As a councillor, you:\n\n"
            "- set policy and decide what the council does\n"
            "- check that decisions are carried out and services work well\n"
            "- represent the council on outside bodies when it asks you to\n"
            "- speak up for the people and communities you represent\n\n"
            "On your own, you cannot make decisions or spend money for the council unless it has "
            "formally delegated that power to you. The everyday running of the council is the "
            "officers' job, under the direction of the council and the Proper Officer.\n\n"
            "Your rights under this protocol begin when you take office and end when your term "
            "of office ends."
        ),
        "expectations": [],
    },
    {
        "number": "2.2",
        "heading": "The chair, vice-chair and committee chairs",
        "body": (
            "The chair presides at council meetings and often represents the council in public. "
            "The vice-chair stands in when the chair is absent or cannot act, including when a "
            "matter concerns the chair. Committee chairs lead the work of their committees.\n\n"
            "These roles mean more contact with officers, for example when planning agendas. "
            "They do not give the holder any power over staff. A chair has only the extra duties "
            "that this protocol and the council give them. Like every councillor, a chair must "
            "respect the impartiality of officers.\n\n"
            "The chair is not the clerk's line manager. The chair never decides a grievance, "
            "disciplinary or performance matter alone (see section 10)."
        ),
        "expectations": [],
    },
    {
        "number": "2.3",
        "heading": "The Proper Officer and other officers",
        "body": (
            "The Proper Officer is the council's chief officer; most councils call this post the "
            "clerk. The clerk advises the council independently, carries out its lawful "
            "decisions, keeps its records and manages any other staff. Some of the clerk's "
            "duties are set by law, and councillors must not get in the way of them.\n\n"
            "The Responsible Financial Officer (RFO) looks after the council's money and "
            "accounts. In many councils the clerk is also the RFO. Any other officers, such as "
            "an assistant clerk or outdoor staff, work under the clerk's direction.\n\n"
            "Officers advise, inform and support every councillor equally. In a report, the "
            "advice and any recommendation are the officer's own professional view. An officer "
            "may set out what councillors think, but must not be pushed into recommending "
            "something they disagree with."
        ),
        "expectations": [],
    },
    {
        "number": "2.4",
        "heading": "When the Proper Officer post is vacant",
        "body": (
            "If the clerk's post is empty, the council may appoint someone to act as Proper "
            "Officer until it is filled. This may be a locum clerk or, as a short-term "
            "exception, a councillor who is not paid for the work.\n\n"
            "A councillor acting as Proper Officer does so only between dates the council "
            "records. During that time the portal shows them as the acting Proper Officer. They "
            "must make clear in each case whether they are acting as a councillor or as the "
            "Proper Officer. The extra rights end when the acting period ends."
        ),
        "expectations": [],
    },
    {
        "number": "2.5",
        "heading": "The personnel committee",
        "body": (
            "The council gives its employment matters to a personnel committee (some councils "
            "call it the staffing committee). The committee hears formal grievances and "
            "disciplinary matters. A panel of its members decides them, and the panel must have "
            "a quorum.\n\n"
            "A panel never includes the person the matter is about, the person who raised it or "
            "anyone who dealt with an earlier stage. Appeals go to members who have not been "
            "involved before. The committee keeps individual cases confidential."
        ),
        "expectations": [],
    },
    {
        "number": "3",
        "heading": "General principles",
        "body": (
            "Good working relationships depend on mutual respect, courtesy and trust. Both sides "
            "should be able to speak openly with each other, and to disagree about ideas without "
            "making it personal.\n\n"
            "Everyone in the council, elected or employed, follows the seven Nolan principles of "
            "public life: selflessness, integrity, objectivity, accountability, openness, "
            "honesty and leadership."
        ),
        "expectations": [],
    },
    {
        "number": "3.1",
        "heading": "Officers are politically neutral",
        "body": (
            "Officers serve the whole council, not a party, a group or a single councillor. They "
            "give the same advice whoever asks, and they keep their own political views out of "
            "their work.\n\n"
            "Councillors must not ask officers to do party-political or campaign work, to help "
            "with election material, or to do anything that would make them look partisan. An "
            "officer may refuse such a request, and this protocol backs them in doing so."
        ),
        "expectations": [],
    },
    {
        "number": "3.2",
        "heading": "Every councillor is treated equally",
        "body": (
            "Every councillor has the same rights under this protocol, whatever their party, "
            "group, experience or position. A chair has extra duties but no extra claim on "
            "information or on officers' time, except where this protocol says so.\n\n"
            "Officers avoid special working relationships with one councillor or group that "
            "could lead others to think that councillor or group is favoured."
        ),
        "expectations": [],
    },
    {
        "number": "3.3",
        "heading": "Respecting professional advice",
        "body": (
            "Councillors may question officers' advice, challenge it and decide against it. They "
            "must not pressure an officer to change their advice, threaten them, or treat them "
            "worse because of advice they gave.\n\n"
            "Once the council has made a lawful decision, officers carry it out, even if they "
            "advised against it. Councillors should not work to undermine a council decision by "
            "obstructing the officers who are putting it into practice."
        ),
        "expectations": [],
    },
    {
        "number": "3.4",
        "heading": "Close personal relationships",
        "body": (
            "Friendships at work are natural. But a close personal relationship between a "
            "councillor and an officer can blur their roles and lead others to suspect "
            "favouritism.\n\n"
            "If a councillor and an officer are related, live together, are in a relationship or "
            "have a business link, they must tell the Proper Officer. If the officer is the "
            "Proper Officer, they tell the chair. The council then agrees how to avoid any "
            "conflict, for example by keeping that councillor out of decisions about the "
            "officer's employment. Councillors must also declare such interests as the Code of "
            "Conduct requires."
        ),
        "expectations": [],
    },
    {
        "number": "4",
        "heading": "Expectations",
        "body": (
            "Councillors and officers owe each other certain standards. The two lists below set "
            "them out. They are not a complete guide to good behaviour. They sit alongside the "
            "Code of Conduct and the officers' terms of employment."
        ),
        "expectations": [],
    },
    {
        "number": "4.1",
        "heading": "What councillors can expect from officers",
        "body": "As a councillor, you can expect officers to give you the following.",
        "expectations": [
            (
                FROM_OFFICERS,
                "Loyalty to the whole council, not to any one councillor, group or party.",
            ),
            (
                FROM_OFFICERS,
                "Impartial, professional advice, given honestly even when it is unwelcome.",
            ),
            (
                FROM_OFFICERS,
                (
                    "Reports that set out the facts and the options clearly, with the officer's "
                    "own recommendation where one is appropriate."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "An acknowledgement and a due date in working days for each request, and an "
                    "explanation if an answer will be late."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "The information you need for your role, including meeting papers sent out "
                    "in good time."
                ),
            ),
            (FROM_OFFICERS, "Courtesy and respect, in person, in writing and online."),
            (
                FROM_OFFICERS,
                "Equal treatment, whatever your party, your experience or the position you hold.",
            ),
            (
                FROM_OFFICERS,
                (
                    "Confidentiality where it is due, and openness about what cannot be shared "
                    "and why."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "Clear reasons when a request is refused, and a note of the other routes "
                    "open to you."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "Early warning of matters that are likely to be sensitive or contentious in "
                    "the area."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "Help to learn the role, including an induction when you are new and advice "
                    "on training."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "No approaches to you about an officer's own job or personal problems, "
                    "except through the procedures the council has set."
                ),
            ),
            (
                FROM_OFFICERS,
                (
                    "No use of their position or their contact with you to gain a personal "
                    "advantage or to sway a decision unfairly."
                ),
            ),
            (
                FROM_OFFICERS,
                "Compliance with the law, the council's policies and their terms of employment.",
            ),
        ],
    },
    {
        "number": "4.2",
        "heading": "What officers can expect from councillors",
        "body": "As an officer, you can expect councillors to give you the following.",
        "expectations": [
            (
                FROM_COUNCILLORS,
                (
                    "Clear direction through decisions made together at council and committee "
                    "meetings."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Respect for your professional judgement, with no pressure to change your "
                    "advice or your recommendations."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Courtesy and respect at all times, including at public meetings and on "
                    "social media."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Any criticism raised privately and through the proper route, never in "
                    "public or online."
                ),
            ),
            (
                FROM_COUNCILLORS,
                "Freedom from bullying, harassment, intimidation and discrimination.",
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Requests and instructions sent through the Proper Officer, not given "
                    "directly to other staff."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Reasonable requests and deadlines that take account of your workload and "
                    "working hours."
                ),
            ),
            (
                FROM_COUNCILLORS,
                "No requests for party-political or campaign work, or for personal favours.",
            ),
            (FROM_COUNCILLORS, "Respect for confidential information and for private matters."),
            (
                FROM_COUNCILLORS,
                (
                    "No commitments, contracts or spending made in the council's name without "
                    "proper authority."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Support when you carry out a lawful council decision, even one you advised "
                    "against."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "No use of their position to gain an advantage for themselves, their family "
                    "or anyone else."
                ),
            ),
            (
                FROM_COUNCILLORS,
                (
                    "Prompt replies when you ask for something you need, such as a register of "
                    "interests form."
                ),
            ),
            (FROM_COUNCILLORS, "Compliance with the Code of Conduct the council has adopted."),
        ],
    },
    {
        "number": "5",
        "heading": "Access to information",
        "body": (
            "Councillors need good information to do their job, and officers will help you get "
            "it. You can ask for council documents, explanations and background on any matter "
            "you need for your work as a councillor.\n\n"
            "The law lets you see council documents when you reasonably need them to carry out "
            'your duties. This is called the "need to know" test. Being curious, or wanting to '
            "look through records in general, does not meet the test.\n\n"
            "You can make requests through the portal. It records each request, the decision and "
            "when you looked at any document released to you."
        ),
        "expectations": [],
    },
    {
        "number": "5.1",
        "heading": "If you sit on the relevant committee",
        "body": (
            "If you are a member of the committee responsible for the subject of a document, the "
            "council presumes that you need to see it. The officer will normally release it "
            "without asking you to explain why, unless it contains personal data about other "
            "people (see 5.2)."
        ),
        "expectations": [],
    },
    {
        "number": "5.2",
        "heading": "Personal data about other people",
        "body": (
            "Some documents contain personal information about people other than you, such as "
            "residents, staff or complainants. To see these, you must explain in writing exactly "
            "why you need that information for your council duties. A general reason is not "
            "enough.\n\n"
            "The officer decides whether your reason justifies access. They may release part of "
            "a document, or remove names and details, if that meets your need."
        ),
        "expectations": [],
    },
    {
        "number": "5.3",
        "heading": "How decisions are made",
        "body": (
            "An officer decides every request. Unless need to know is presumed, the officer "
            "records the decision and the reasons for it. This applies whether the request is "
            "granted, partly granted or refused.\n\n"
            "If your request is refused, you are told why. You are also reminded that, like "
            "anyone else, you can ask for the information under the Freedom of Information Act "
            "2000. If another officer made the decision, you can ask the Proper Officer to look "
            "at it again."
        ),
        "expectations": [],
    },
    {
        "number": "5.4",
        "heading": "Using information you receive",
        "body": (
            "Use information the council gives you only for your council duties. Do not use it "
            "for personal, business or party-political purposes. Do not pass it on unless the "
            "council has already made it public.\n\n"
            "Before you first open a released document, the portal asks you to confirm that you "
            "will use it only for council duties. Each time you open it is logged.\n\n"
            "Some information is confidential, for example because it concerns staff, legal "
            "advice, contracts or individuals. You must keep it confidential. The Code of "
            "Conduct requires this, and misusing such information can also break the law."
        ),
        "expectations": [],
    },
    {
        "number": "5.5",
        "heading": "How quickly you will get an answer",
        "body": (
            "Each request is acknowledged and given a due date in working days. Weekends and "
            "bank holidays in the council's nation do not count. The council sets the number of "
            "days; unless it has chosen otherwise, it is 10 working days.\n\n"
            "The request page shows how the due date was worked out: the start date, the number "
            "of days and any holidays skipped.\n\n"
            "If the officer needs you to clarify your request, the clock stops until you reply. "
            "It restarts when you answer, and the request keeps its full history. Officers are "
            "reminded before a request falls due. An overdue request is escalated to the Proper "
            "Officer."
        ),
        "expectations": [],
    },
    {
        "number": "6",
        "heading": "Requests and instructions",
        "body": (
            "Send your requests, enquiries and instructions about council business to the Proper "
            "Officer. Officers take instructions from the council, its committees and the Proper "
            "Officer. No individual councillor, including the chair, can direct staff.\n\n"
            "The Proper Officer may hand a matter, or a type of request, to another officer such "
            "as the RFO. You then deal with that officer on that matter. Otherwise, do not ask "
            "other staff to take on work, change their priorities or report to you.\n\n"
            "The Proper Officer plans the officers' workload. If you think something is urgent, "
            "say so and explain why. The Proper Officer decides the priority."
        ),
        "expectations": [],
    },
    {
        "number": "7",
        "heading": "Correspondence",
        "body": (
            "Councillors and officers write to each other often, by email and by letter. A "
            "message between an officer and a councillor is normally seen only by the two of "
            "them.\n\n"
            "In Wales, correspondence also follows any Welsh language policy the council has "
            "adopted."
        ),
        "expectations": [],
    },
    {
        "number": "7.1",
        "heading": "No silent copies",
        "body": (
            "An officer copies a councillor's correspondence to another councillor only when it "
            "is necessary. When that happens, the councillor who wrote is told. The message also "
            'ends with a line such as "CC councillor X", naming each councillor who got a copy.\n\n'
            "Officers never send blind copies to councillors. Councillors are asked to follow "
            "the same practice when they copy other people into messages to officers."
        ),
        "expectations": [],
    },
    {
        "number": "7.2",
        "heading": "Official letters and emails",
        "body": (
            "Letters and emails sent for the council go out in the name of an officer, usually "
            "the Proper Officer. This shows that they carry out the council's decisions, rather "
            "than the views of one councillor.\n\n"
            "Sometimes a letter is better coming from the chair, for example a letter to a "
            "government minister. The chair may sign one only when the Proper Officer records it "
            "as an exception, with the reason.\n\n"
            "No councillor, including the chair, may sign a letter or email that commits the "
            "council to anything or tells someone what to do on its behalf. Such letters always "
            "go out under an officer's name."
        ),
        "expectations": [],
    },
    {
        "number": "7.3",
        "heading": "Confidential correspondence",
        "body": (
            "An officer may mark a letter or email to a councillor as confidential. The officer "
            "says what is confidential and why.\n\n"
            "Nobody may send or forward correspondence marked confidential to a complainant or "
            "to any other third party. This applies to officers and councillors alike, and the "
            "portal will not allow it."
        ),
        "expectations": [],
    },
    {
        "number": "8",
        "heading": "Press and media",
        "body": (
            "The council uses publicity to tell local people about its work and its decisions. "
            "Publicity must be accurate, balanced and lawful.\n\n"
            "The Local Government Act 1986 forbids the council from publishing anything that "
            "appears designed to affect support for a political party. The council also has "
            "regard to the publicity code issued for its nation under that Act."
        ),
        "expectations": [],
    },
    {
        "number": "8.1",
        "heading": "Press releases",
        "body": (
            "The Proper Officer approves every press release before it is published. A "
            "councillor may suggest or draft a release, but it is not issued until the Proper "
            "Officer has approved it.\n\n"
            "A press release may quote as speaking for the council only the chair, a committee "
            "chair or a councillor the council has appointed as its spokesperson."
        ),
        "expectations": [],
    },
    {
        "number": "8.2",
        "heading": "Who speaks for the council",
        "body": (
            "Only the chair, a committee chair on their committee's business, or a spokesperson "
            "appointed by the council may speak for the council. They should agree what they "
            "will say with the Proper Officer first.\n\n"
            "Other councillors may talk to the media as individuals. They should make clear that "
            "they are giving their own view, not the council's.\n\n"
            "Officers may answer questions from journalists, but only with facts and "
            "professional explanation. They never give a political opinion. They pass questions "
            "about policy to the chair or the right spokesperson."
        ),
        "expectations": [],
    },
    {
        "number": "8.3",
        "heading": "Before an election",
        "body": (
            "The council sets the start and end of the pre-election period for each election. It "
            "usually runs from the notice of election until polling day.\n\n"
            "During this period the council publishes nothing about candidates, or about "
            "contentious matters that could affect how people vote. Such publicity waits until "
            "the period ends, and the portal explains why it is being held back. Factual "
            "information about council services carries on as normal.\n\n"
            "Councillors who are standing for election must not use council resources, press "
            "releases or officers' time for their campaigns."
        ),
        "expectations": [],
    },
    {
        "number": "9",
        "heading": "Political groups",
        "body": (
            "Where councillors form political groups, officers may brief a group on council "
            "business if it asks. They treat every group in the same way. Officers do not attend "
            "group discussions about party matters or take part in a group's decisions.\n\n"
            "A group meeting is not a council meeting and cannot make council decisions. What a "
            "group discusses stays within the group, and officers do not pass it to other "
            "groups. What an officer says in a briefing is not secret from the rest of the "
            "council."
        ),
        "expectations": [],
    },
    {
        "number": "9.1",
        "heading": "Briefings for a group",
        "body": (
            "A briefing or report prepared for one group contains facts and options only. It "
            "does not recommend what the group should do. Recommendations belong in reports to "
            "the council or a committee, which every councillor can see.\n\n"
            "When an officer gives a briefing or report to one group, every other group is told "
            "that it has been given. Any group may then ask for a similar briefing.\n\n"
            "Officers do not help a group with its political strategy or campaign material."
        ),
        "expectations": [],
    },
    {
        "number": "10",
        "heading": "When things go wrong",
        "body": (
            "Most problems can be settled by an early, honest conversation, so try that first. "
            "If it does not work, or the matter is serious, use the routes below.\n\n"
            "Concerns are private. They never appear on a public page. Only the person who "
            "raised a concern and the people who have a part in handling it can see it. Each "
            "stage has a due date, and the chair can see at a glance any matter that is overdue "
            "or has been escalated.\n\n"
            "Do not criticise an officer at a public meeting, in the press or online. Officers "
            "cannot reply in public, and public criticism of staff may breach the Code of "
            "Conduct."
        ),
        "expectations": [],
    },
    {
        "number": "10.1",
        "heading": "A councillor's concern about an officer",
        "body": (
            "If you are unhappy with an officer's conduct or work, tell the chair. The chair "
            "raises it with the Proper Officer, who is the officer's line manager.\n\n"
            "The Proper Officer deals with it informally first, for example by talking to the "
            "officer, giving guidance or arranging training. Only if that does not resolve the "
            "concern does the council use its disciplinary procedure.\n\n"
            "Keep any criticism private, specific and based on facts. Do not confront the "
            "officer about it yourself."
        ),
        "expectations": [],
    },
    {
        "number": "10.2",
        "heading": "An officer's concern about a councillor",
        "body": (
            "If you are an officer and unhappy with how a councillor has treated you, raise it "
            "with the Proper Officer. If you are the Proper Officer, raise it with the chair, or "
            "with the vice-chair if it is about the chair.\n\n"
            "The council tries to settle the matter informally first, for example through a "
            "conversation or conciliation. The monitoring officer of the principal council, or "
            "another independent person, may be able to help.\n\n"
            "If that does not work, you can use the council's formal grievance procedure. The "
            "personnel committee hears the grievance. A complaint that the councillor broke the "
            "Code of Conduct is a separate matter that goes outside the council (see 10.5)."
        ),
        "expectations": [],
    },
    {
        "number": "10.3",
        "heading": "Concerns about the Proper Officer or the chair",
        "body": (
            "Nobody handles a concern about themselves. The chair deals with a concern about the "
            "Proper Officer. The vice-chair deals with a concern about the chair, and takes the "
            "chair's place in this protocol for that matter.\n\n"
            "If the vice-chair is also involved, the personnel committee chooses another "
            "councillor who has had no part in the matter."
        ),
        "expectations": [],
    },
    {
        "number": "10.4",
        "heading": "Formal procedures and the ACAS Code",
        "body": (
            "Formal grievance and disciplinary matters follow the council's written procedures "
            "and the ACAS Code of Practice on Disciplinary and Grievance Procedures. In "
            "particular:\n\n"
            "- the person concerned is told about the matter in writing, with enough detail to "
            "respond\n"
            "- they may bring a companion (a colleague or a trade union representative) to any "
            "formal meeting\n"
            "- if the companion cannot come, the meeting moves to another date within 5 working "
            "days\n"
            "- the decision and the reasons for it are given in writing\n"
            "- the person may appeal, and members who were not involved before hear the appeal\n\n"
            "A panel of the personnel committee, meeting its quorum, decides each formal stage. "
            "The panel leaves out the person the matter concerns, the person who raised it and "
            "anyone who dealt with an earlier stage. The chair never decides a grievance, "
            "disciplinary or performance matter alone."
        ),
        "expectations": [],
    },
    {
        "number": "10.5",
        "heading": "Code of Conduct complaints",
        "body": (
            "The council does not decide formal complaints that a councillor has broken the Code "
            "of Conduct. Anyone may make such a complaint, and it goes to an outside body:\n\n"
            "- in England, to the monitoring officer of the principal authority (the district or "
            "unitary council for the area), under the Localism Act 2011\n"
            "- in Wales, to the Public Services Ombudsman for Wales\n\n"
            "The council may first try to settle a minor concern informally, but it cannot stop "
            "anyone from making a formal complaint. The Proper Officer records any referral the "
            "council makes and its outcome."
        ),
        "expectations": [],
    },
    {
        "number": "11",
        "heading": "Review of this protocol",
        "body": (
            "When the council adopts a version of this protocol, it sets a date by which it will "
            "review it. The clerk and the chair are reminded before that date, and again while "
            "the review is overdue. The council may review the protocol sooner, for example "
            "after a change in the law.\n\n"
            "Every adopted version is kept. The public can see the current version, the earlier "
            "versions and what changed between them.\n\n"
            "Each councillor and officer is asked to confirm that they have read the adopted "
            "version and will follow it. When the council adopts a new version, everyone is "
            "asked again. New councillors and officers are asked when they join."
        ),
        "expectations": [],
    },
]
