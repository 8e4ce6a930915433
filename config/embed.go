// Package config holds the data Quintet ships with: the seed data set (the
// London 2014 meeting, its delegations, topics and sessions) embedded in the
// binary, and, beside it on disk, the example environment file.
package config

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"github.com/quintet-ag/quintet/internal/conference"
)

// Seed holds the seed files, seed/*.json. Each file is a JSON object with
// some of the fields of conference.SeedData ("delegations", "topics",
// "meetings", "sessions"); a later meeting can be added as a file of its own.
//
//go:embed seed/*.json
var Seed embed.FS

// LoadSeed reads every seed/*.json of fsys in name order and returns their
// contents together. A field that conference.SeedData does not know is an
// error, so that a typo in the data cannot be silently dropped.
func LoadSeed(fsys fs.FS) (conference.SeedData, error) {
	var all conference.SeedData
	names, err := fs.Glob(fsys, "seed/*.json")
	if err != nil {
		return all, fmt.Errorf("list seed files: %w", err)
	}
	if len(names) == 0 {
		return all, fmt.Errorf("no seed files")
	}
	for _, name := range names { // fs.Glob returns names sorted
		part, err := decodeSeedFile(fsys, name)
		if err != nil {
			return all, err
		}
		all.Delegations = append(all.Delegations, part.Delegations...)
		all.Topics = append(all.Topics, part.Topics...)
		all.Meetings = append(all.Meetings, part.Meetings...)
		all.Sessions = append(all.Sessions, part.Sessions...)
	}
	return all, nil
}

func decodeSeedFile(fsys fs.FS, name string) (conference.SeedData, error) {
	var part conference.SeedData
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return part, fmt.Errorf("read seed file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&part); err != nil {
		return part, fmt.Errorf("seed file %s: %w", path.Base(name), err)
	}
	if dec.More() {
		return part, fmt.Errorf("seed file %s: more than one JSON value", path.Base(name))
	}
	return part, nil
}
