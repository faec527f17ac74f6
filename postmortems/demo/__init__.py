"""Demo content for a fictional online grocer, Larder, and the loader that writes it (`manage.py load_demo`)."""
