package main

import (
	"testing"
)

// The OpenAPI document tells a client author how the live handshake can be
// refused, and that the notes route takes ?after.
func TestLiveOpenAPIDocumentsRefusalsAndNotesAfter(t *testing.T) {
	svc, health := apiInProcessService(t)
	doc, _ := apiServedDoc(t, apiInProcessEngine(t, svc, health, true))

	live, ok := doc.Paths["/api/v1/live"]["get"]
	if !ok {
		t.Fatal("GET /api/v1/live is not documented")
	}
	for _, status := range []string{"101", "400", "401", "403", "429", "503"} {
		if _, ok := live.Responses[status]; !ok {
			t.Errorf("GET /api/v1/live does not document %s", status)
		}
	}

	notes := doc.Paths["/api/v1/sessions/{id}/notes"]["get"]
	found := false
	for _, p := range notes.Parameters {
		if p.Name == "after" {
			found = true
			if p.In != "query" || p.Required {
				t.Errorf("after is declared in %s, required %v; want an optional query parameter", p.In, p.Required)
			}
		}
	}
	if !found {
		t.Error("GET /api/v1/sessions/{id}/notes does not declare ?after")
	}
	if _, ok := notes.Responses["400"]; !ok {
		t.Error("GET /api/v1/sessions/{id}/notes does not document 400 (a bad after)")
	}
}
