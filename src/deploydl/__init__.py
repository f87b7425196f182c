"""Deploying Deep Learning: the shared package behind the course notebooks."""
