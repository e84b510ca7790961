print("tfhub: not yet built")
