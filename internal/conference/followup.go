package conference

// Outcome is a conclusion of a session. (Issue 4 fills in its behaviour.)
type Outcome struct {
	ID        string `json:"id" bson:"_id"`
	MeetingID string `json:"meeting_id" bson:"meeting_id"`
	SessionID string `json:"session_id" bson:"session_id"`
}

// Action is follow-up work owned by a delegation. (Issue 4 fills in its behaviour.)
type Action struct {
	ID        string `json:"id" bson:"_id"`
	MeetingID string `json:"meeting_id" bson:"meeting_id"`
}
