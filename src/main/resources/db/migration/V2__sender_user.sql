-- The authenticated subject of a stored message's sender (issue 16): history shows who published
-- it as the live message did. NULL for anonymous senders and for messages stored before.
ALTER TABLE sb_message ADD COLUMN sender_user VARCHAR(1000);
