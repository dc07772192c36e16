"""Reading inventory files, one pipeline for every door (web import, API, ``import_inventory``,
``capnr footprint``): ``files`` reads a file safely into text, ``columns`` says which column fills
which field, ``recognition`` gives each row a category. Pure Python: never imports Django."""
