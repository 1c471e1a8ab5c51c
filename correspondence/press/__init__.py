"""Press releases and enquiries (R13, R14): drafts the Proper Officer approves, named
spokespeople, publicity held back before an election, and the public news page."""
