package httpapi

import (
	"github.com/quintet-ag/quintet/internal/conference"
)

// registerRoutes are the routes of the register, its links, coverage and search.
func (a *api) registerRoutes() []route {
	return []route{
		{"GET", v1 + "/register", "List register entries; filters (comma-separated values match any): delegation (lead or partner), audience, format, status, topic (id or slug), year, archived=false|true|any; limit (≤1000), offset; the total is in X-Total-Count", signedIn, nil, []conference.RegisterEntry{}, 200, a.listRegister},
		{"POST", v1 + "/register", "Add a register entry (the secretariat, or the lead delegation's follow-up team)", signedIn, conference.RegisterEntryInput{}, conference.RegisterEntry{}, 201, a.createRegisterEntry},
		{"GET", v1 + "/register.csv", "The register as CSV (UTF-8 with BOM, formula-safe cells); takes the list's filters", signedIn, nil, nil, 200, a.exportRegisterCSV},
		{"POST", v1 + "/register.csv", "Import entries from a CSV body (text/csv, the export's columns): all or nothing; ?dry_run=true only checks; a refusal lists every problem by row and field", signedIn, nil, conference.ImportReport{}, 201, a.importRegisterCSV},
		{"GET", v1 + "/register/:id", "Read a register entry", signedIn, nil, conference.RegisterEntry{}, 200, a.getRegisterEntry},
		{"PATCH", v1 + "/register/:id", "Change, archive (archived: true) or restore an entry; version is required, a stale one gets 409 with the current entry", signedIn, conference.RegisterEntryUpdate{}, conference.RegisterEntry{}, 200, a.updateRegisterEntry},
		{"GET", v1 + "/register/:id/history", "The entry's changes, most recent first: who, when, what", signedIn, nil, []conference.Revision{}, 200, a.registerHistory},
		{"GET", v1 + "/register/:id/backlinks", "What links to the entry, grouped by kind, as the reader may read it", signedIn, nil, conference.Backlinks{}, 200, a.registerBacklinks},

		{"GET", v1 + "/links", "The register entries a thing links to: ?from_kind=topic|note|outcome|action&from_id=…", signedIn, nil, []conference.LinkedEntry{}, 200, a.listLinks},
		{"POST", v1 + "/links", "Link a topic, note, outcome or action to a register entry (201), or find the link already made (200)", signedIn, conference.LinkInput{}, conference.Link{}, 201, a.createLink},
		{"DELETE", v1 + "/links/:id", "Remove a link, under the rules that made it", signedIn, nil, nil, 204, a.deleteLink},
		{"GET", v1 + "/topics/:id/register", "The register entries that concern a topic: linked from it, or listing it", signedIn, nil, []conference.LinkedEntry{}, 200, a.topicRegister},

		{"GET", v1 + "/coverage", "Coverage matrix: topic × delegation, split by audience; filters status, format, year, meeting", signedIn, nil, conference.Coverage{}, 200, a.coverage},
		{"GET", v1 + "/search", "Search notes, outcomes, actions, register entries, topics and sessions: ?q= (≤200 characters, ≤12 words, plain text), kind, meeting, limit (≤100)", signedIn, nil, conference.SearchResults{}, 200, a.search},
	}
}

// The register's vocabulary, for the OpenAPI document.
