package mongostore

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/quintet-ag/quintet/internal/conference"
)

// followupIndexes are the indexes of outcomes and actions. The Service
// answers every read from memory; these serve other tools that query a real
// MongoDB deployment directly: a session's outcomes, a delegation's actions
// by due date, a meeting's actions, and what changed since a date.
var followupIndexes = []index{
	{coll: conference.Outcomes, name: "outcomes_session_id", keys: bson.D{{Key: "session_id", Value: 1}, {Key: "created_at", Value: 1}}},
	{coll: conference.Outcomes, name: "outcomes_meeting_id", keys: bson.D{{Key: "meeting_id", Value: 1}}},
	{coll: conference.Actions, name: "actions_owner_due", keys: bson.D{{Key: "owner", Value: 1}, {Key: "due", Value: 1}}},
	{coll: conference.Actions, name: "actions_meeting_id", keys: bson.D{{Key: "meeting_id", Value: 1}}},
	{coll: conference.Actions, name: "actions_updated_at", keys: bson.D{{Key: "updated_at", Value: 1}}},
}
