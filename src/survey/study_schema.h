// The user-study database (study.sqlite in a study folder): schema version 2 and its migrations.
//
// One study per database; the study folder (study.sqlite + stimuli/) is self-contained and can be copied anywhere.
//   studies      one row: name, page texts (title, question, instructions, thanks), the design (JSON: counts and
//                seeds that `survey invite` plans new respondents with), the resolved create config, the grid run
//                the stimuli came from and its manifest, the tool revision, the creation time
//   methods      name ("adain", "da-adain", "degraded") and role: baseline, proposed, degraded (sentinel images)
//   stimuli      image files copied into the study folder (file relative to it, stimuli/<sha256>.<ext>; sha256,
//                media type, size), the method that made each, a random public_id (the only name a browser ever
//                sees: it reveals neither the method nor a path), and its source as JSON (the grid row, or how a
//                sentinel was degraded)
//   web_stimuli  (version 2) per stimulus, the copy browsers get: file (stimuli/web/<sha256>.jpg), its sha256, media
//                type, size (survey/web_copy.h); the analysis and reports read the originals
//   comparisons  what a trial shows: a "main" comparison is the same content/style/parameters by the baseline
//                (first_stimulus) and the proposed method (second_stimulus); a "sentinel" shows a good image
//                (first, expected_stimulus) and an obviously degraded copy of it (second). name = the "pair" column
//                of the answers CSV
//   respondents  label ("r001"), origin invited (token_sha256 = SHA-256 of the invitation token; the token itself
//                is never stored) or imported (from an external platform, no token), completion code, started_at
//   sessions     one per opened invitation: SHA-256 of the session cookie, the CSRF token every POST must carry
//   trials       respondent, position (1-based display order), label (the "trial" column), comparison, the
//                stimulus shown on each side (so which method is on the left), repeat_of (a swapped repeat's
//                original), shown_at_ms (Unix ms when the page showing it was last served; answers measure their
//                response time from it)
//   answers      trial (UNIQUE: one answer per trial), side chosen, method chosen (derived from the trial on the
//                server; a trigger refuses any other), response_ms, answered_at (ISO 8601 UTC, ms), origin
//                ("server" or "import FILE:LINE"). Answers are never updated or deleted (triggers refuse both).
// Times are ISO 8601 UTC text ("2026-11-24T02:30:00.123Z") except shown_at_ms (Unix milliseconds).
#pragma once

#include "db/sqlite.h"

namespace depthstyle {

// Version N = migrations.size() == N (now 2). A schema change is a new migration step appended here, never an edit.
const SqliteSchema& study_schema();

}  // namespace depthstyle
