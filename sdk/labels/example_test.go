package labels_test

import (
	"fmt"

	"github.com/stagekit/stagekit/sdk/labels"
)

func ExampleParse() {
	sel, err := labels.Parse("env in (staging, dev), !legacy")
	if err != nil {
		panic(err)
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(map[string]string{"env": "staging"}))
	fmt.Println(sel.Matches(map[string]string{"env": "staging", "legacy": "true"}))

	_, err = labels.Parse("env in staging")
	fmt.Println(err)
	// Output:
	// env in (dev,staging),!legacy
	// true
	// false
	// label selector "env in staging": found "staging", expected '('
}
