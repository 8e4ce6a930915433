package mongostore

// followupIndexes are the indexes of outcomes and actions.
var followupIndexes = []index{}
