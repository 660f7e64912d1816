"""A real SMTP server on 127.0.0.1 for the delivery tests: it accepts every message and keeps
it, and can be told never to answer QUIT, as a stuck mail server does, to be slow before every
answer (`reply_delay`), or slow to answer the end of DATA after it kept the message
(`end_of_data_delay`)."""

import email
import socketserver
import threading
import time


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        time.sleep(self.server.reply_delay)
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test SMTP server")
        while line := self.rfile.readline():
            command = line.decode().strip().split(" ", 1)[0].upper()
            if command == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.server.messages.append(self.read_data())
                time.sleep(self.server.end_of_data_delay)
                self.reply("250 accepted")
            elif command == "QUIT":
                if self.server.answer_quit:
                    self.reply("221 bye")
                    return
                # Say nothing; the client gives up and closes the connection (EOF below).
            else:  # EHLO, MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")

    def read_data(self) -> email.message.Message:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b".") else line)
        return email.message_from_bytes(b"".join(lines))


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(
        self, *, answer_quit: bool, reply_delay: float = 0.0, end_of_data_delay: float = 0.0
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.answer_quit = answer_quit
        self.reply_delay = reply_delay
        self.end_of_data_delay = end_of_data_delay
        self.messages: list[email.message.Message] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()
