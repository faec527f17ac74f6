"""An in-memory email backend that takes its time, so that overlapping senders really overlap in tests."""

import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class SlowBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)
