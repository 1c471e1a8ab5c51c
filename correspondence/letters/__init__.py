"""The correspondence register (R10–R12): letters and emails written for the council, signed by an
officer, with every copy shown to every recipient, and confidential items kept inside the
council."""
