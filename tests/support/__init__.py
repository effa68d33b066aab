"""Helpers shared by the test suites: local stand-ins for the services Narrate talks to."""
