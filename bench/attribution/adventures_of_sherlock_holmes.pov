watson
