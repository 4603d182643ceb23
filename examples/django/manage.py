#!/usr/bin/python3
"""Django's command line for the example: /usr/bin/python3 manage.py migrate | collectstatic | check."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
