"""What every app uses: the access decorator and types, versioned saves, tokens, form errors,
SVG chart primitives, spreadsheet writers, the PDF helper and its shared template, the language
switch. Core sits between the engine and the apps: it imports Django and the engine, never an app
(``tests/test_architecture.py`` keeps it so)."""
