"""Triage: language, intent, duplicates, rate limits and the priority queue with aging."""
