"""kombu's filesystem transport, made safe for the embedded default (settings name it in
CELERY_BROKER_TRANSPORT when CELERY_BROKER_URL is `filesystem://`).

kombu 5.7 creates each message file under its final `*.msg` name and then writes into it, so a
worker polling the folder can pick the file up while it is still empty or half-written; the
`JSONDecodeError` that follows stops the worker ("Unrecoverable error"). Here:
1. A message is written under a name the reader ignores, then renamed to its `*.msg` name:
   the rename is atomic on one filesystem, so a reader only ever sees a whole message.
2. A message file that still cannot be decoded (dropped in by hand, torn by an old writer) is
   skipped and logged, without its content. kombu has already taken it out of the queue folder.
   Nothing is lost with it: the database holds every reminder and delivery, and the sweep
   queues again whatever is not sent (`cases.reminders.sweep.deliveries_to_queue`).
"""

import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)

# kombu's reader takes only names ending `.<queue>.msg`: this keeps it off a file being written.
WRITING_SUFFIX = ".writing"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # kombu's own name: its reader sorts by the leading milliseconds and matches the queue.
        filename = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, filename)
        try:
            with open(path + WRITING_SUFFIX, "wb") as message_file:
                message_file.write(str_to_bytes(dumps(payload)))
            os.replace(path + WRITING_SUFFIX, path)
        except OSError as error:
            raise ChannelError(f"Cannot add a message file to {self.data_folder_out!r}") from error

    def _get(self, queue):
        # Each failed attempt has consumed its file, so this ends: with a message or `Empty`.
        while True:
            try:
                return super()._get(queue)
            except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
                logger.warning(
                    "Skipped an unreadable message file in the %s queue (%s); the next sweep "
                    "queues again anything it carried.",
                    queue,
                    type(error).__name__,
                )


class Transport(filesystem.Transport):
    Channel = Channel
