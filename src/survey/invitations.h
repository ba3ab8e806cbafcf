// `depthstyle survey invite`: new respondents with invitation tokens, and their planned trials.
//
// A token is 128 bits from the OS CSPRNG (32 hex characters); the database keeps only its SHA-256, so the links
// exist only in what this returns (printed once and written to a CSV by the command). Each respondent gets the
// next label ("r001", "r002", ... counting invited respondents) and the trials study_design.h plans for that index,
// so inviting 10 and then 8 gives the same 18 sequences as inviting 18 at once. A completion code (10 characters
// without look-alikes, shown on the thank-you page) lets a crowdsourcing platform check who finished.
#pragma once

#include <string>
#include <vector>

#include "db/sqlite.h"

namespace depthstyle {

struct Invitation {
  std::string respondent;  // label
  std::string token;
  std::string link;        // <base_url>/i/<token>
  std::string completion_code;
};

// Adds `count` respondents and all their trials in one transaction. `base_url` ("http://127.0.0.1:8080") is
// http:// or https:// and a host with an optional port, no path; a trailing '/' is dropped. Throws UsageError for a bad base_url, InputError for a
// database whose design and comparisons disagree.
std::vector<Invitation> invite_respondents(SqliteDatabase& database, std::size_t count, const std::string& base_url);

// "respondent,link,completion_code" and one line per invitation.
std::string invitations_csv(const std::vector<Invitation>& invitations);

// "/i/" + token: the path of an invitation link.
std::string invitation_path(const std::string& token);

}  // namespace depthstyle
