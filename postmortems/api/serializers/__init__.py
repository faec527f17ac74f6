"""Serializers by topic. Output shapes are named for the resource; input shapes end in Create/Update."""
