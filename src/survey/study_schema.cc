#include "survey/study_schema.h"

namespace depthstyle {

const SqliteSchema& study_schema() {
  static const SqliteSchema schema{
      "depthstyle user-study database",
      0x44535356,  // "DSSV"
      {R"sql(
CREATE TABLE studies (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  question TEXT NOT NULL,
  instructions TEXT NOT NULL,
  thanks TEXT NOT NULL,
  design TEXT NOT NULL,
  config TEXT NOT NULL,
  source_run TEXT NOT NULL,
  source_manifest TEXT NOT NULL,
  tool_revision TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE methods (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  role TEXT NOT NULL UNIQUE CHECK (role IN ('baseline', 'proposed', 'degraded'))
);
CREATE TABLE stimuli (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE CHECK (length(public_id) = 32),
  method_id INTEGER NOT NULL REFERENCES methods(id),
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  source TEXT NOT NULL
);
CREATE TABLE comparisons (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('main', 'sentinel')),
  first_stimulus INTEGER NOT NULL REFERENCES stimuli(id),
  second_stimulus INTEGER NOT NULL REFERENCES stimuli(id),
  expected_stimulus INTEGER REFERENCES stimuli(id),
  CHECK (first_stimulus <> second_stimulus),
  CHECK ((kind = 'sentinel') = (expected_stimulus IS NOT NULL)),
  CHECK (expected_stimulus IS NULL OR expected_stimulus IN (first_stimulus, second_stimulus))
);
CREATE TABLE respondents (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL UNIQUE CHECK (label <> ''),
  origin TEXT NOT NULL CHECK (origin IN ('invited', 'imported')),
  token_sha256 TEXT UNIQUE CHECK (token_sha256 IS NULL OR length(token_sha256) = 64),
  completion_code TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  CHECK ((origin = 'invited') = (token_sha256 IS NOT NULL))
);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  respondent_id INTEGER NOT NULL REFERENCES respondents(id),
  session_sha256 TEXT NOT NULL UNIQUE CHECK (length(session_sha256) = 64),
  csrf_token TEXT NOT NULL CHECK (length(csrf_token) = 32),
  created_at TEXT NOT NULL
);
CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  respondent_id INTEGER NOT NULL REFERENCES respondents(id),
  position INTEGER NOT NULL CHECK (position >= 1),
  label TEXT NOT NULL CHECK (label <> ''),
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  left_stimulus INTEGER NOT NULL REFERENCES stimuli(id),
  right_stimulus INTEGER NOT NULL REFERENCES stimuli(id),
  repeat_of INTEGER REFERENCES trials(id),
  shown_at_ms INTEGER,
  UNIQUE (respondent_id, position),
  UNIQUE (respondent_id, label)
);
CREATE TRIGGER trials_show_their_comparison BEFORE INSERT ON trials
WHEN NOT EXISTS (SELECT 1 FROM comparisons c WHERE c.id = NEW.comparison_id AND
                 ((NEW.left_stimulus = c.first_stimulus AND NEW.right_stimulus = c.second_stimulus) OR
                  (NEW.left_stimulus = c.second_stimulus AND NEW.right_stimulus = c.first_stimulus)))
BEGIN
  SELECT RAISE(ABORT, 'trials: left and right stimuli must be the two stimuli of the comparison');
END;
CREATE TABLE answers (
  id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL UNIQUE REFERENCES trials(id),
  side TEXT NOT NULL CHECK (side IN ('left', 'right')),
  chosen_method_id INTEGER NOT NULL REFERENCES methods(id),
  response_ms INTEGER CHECK (response_ms IS NULL OR response_ms >= 0),
  answered_at TEXT NOT NULL,
  origin TEXT NOT NULL
);
CREATE TRIGGER answers_method_is_the_chosen_sides BEFORE INSERT ON answers
WHEN NEW.chosen_method_id IS NOT
     (SELECT s.method_id FROM trials t
      JOIN stimuli s ON s.id = CASE NEW.side WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END
      WHERE t.id = NEW.trial_id)
BEGIN
  SELECT RAISE(ABORT, 'answers: chosen_method_id must be the method shown on the chosen side');
END;
CREATE TRIGGER answers_are_never_updated BEFORE UPDATE ON answers
BEGIN
  SELECT RAISE(ABORT, 'answers: an answer is never changed');
END;
CREATE TRIGGER answers_are_never_deleted BEFORE DELETE ON answers
BEGIN
  SELECT RAISE(ABORT, 'answers: an answer is never deleted');
END;
)sql",
       // Version 2: the web-sized copy of each stimulus that `survey serve` sends (survey/web_copy.h); studies made
       // before it have none and serve their originals.
       R"sql(
CREATE TABLE web_stimuli (
  stimulus_id INTEGER PRIMARY KEY REFERENCES stimuli(id),
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  media_type TEXT NOT NULL CHECK (media_type = 'image/jpeg'),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0)
);
)sql"}};
  return schema;
}

}  // namespace depthstyle
