package mongostore

// registerIndexes are the indexes of the register and its links.
var registerIndexes = []index{}
