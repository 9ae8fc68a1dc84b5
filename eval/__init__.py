"""xxgk.eval"""
