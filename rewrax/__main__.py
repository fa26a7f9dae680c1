"""``python -m rewrax``: the demo (see README)."""

from rewrax.demo import main

if __name__ == "__main__":
    main()
