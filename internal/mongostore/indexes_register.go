package mongostore

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/conference"
)

// registerIndexes are the indexes of the register and its links. The
// Service answers every read from memory; these serve other tools that query
// a MongoDB deployment directly (the register by delegation, status or
// topic; an entry's backlinks; what a note or action links to).
//
// A link's _id is derived from (from_kind, from_id, entry_id), so the _id
// index already makes a second link of the same pair a duplicate key.
var registerIndexes = []index{
	{coll: conference.Register, name: "register_lead_delegation_start_date",
		keys: bson.D{{Key: "lead_delegation", Value: 1}, {Key: "start_date", Value: -1}}},
	{coll: conference.Register, name: "register_partner_delegations", keys: bson.D{{Key: "partner_delegations", Value: 1}}},
	{coll: conference.Register, name: "register_topics", keys: bson.D{{Key: "topics", Value: 1}}},
	{coll: conference.Register, name: "register_status_archived", keys: bson.D{{Key: "status", Value: 1}, {Key: "archived", Value: 1}}},
	{coll: conference.Links, name: "links_entry_id", keys: bson.D{{Key: "entry_id", Value: 1}, {Key: "from_kind", Value: 1}}},
	{coll: conference.Links, name: "links_from", keys: bson.D{{Key: "from_kind", Value: 1}, {Key: "from_id", Value: 1}}},
}
