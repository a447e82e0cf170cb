"""`taizhang import`: a unit's existing material → draft records.

run (dispatch by format, ids, writing all or nothing, the printed tree) reads
through outline (numbered outlines), docx (Word paragraphs and task tables),
xlsx (Excel/CSV grids) and table (header, columns, dates, states of a ledger
table); all of them produce the draft structures of model.
"""
